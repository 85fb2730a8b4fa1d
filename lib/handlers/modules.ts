// Handler modules: what each offers (positions, actions, option schemas). The GET
// /event/{positions,actions}/… routes, binding validation and dispatch all read these.

import { patternProblem } from '../patterns.ts';

export const positions = ['pre', 'post'] as const;
export type Position = (typeof positions)[number];

export interface OptionDescriptor {
  type: 'str' | 'bool' | 'text' | 'int';
  required?: boolean;
  description: string;
  /** Allowed values, when the option is a choice. */
  value?: string[];
  /** Never returned: GET shows it as `__HIDDEN__`. */
  writeOnly?: boolean;
  /** Required when another option is set (to `equals`, when given): `To email` when To is email. */
  requiredWhen?: { option: string; equals?: string };
  /** A check beyond type and choice; returns the problem, or null. */
  check?: (value: string) => string | null;
}

export interface HandlerModule {
  name: string;
  positions: Position[];
  actions: Record<string, Record<string, OptionDescriptor>>;
}

const regularExpression = (value: string) => {
  const problem = patternProblem(value);
  return problem === null ? null : `must be a valid regular expression: ${problem}`;
};

const httpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be an http or https URL';
  } catch {
    return 'must be an http or https URL';
  }
};

/** What sendmail accepts as an address: no blanks, brackets, quotes or separators a header could misread. */
export const emailAddress = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export const counterNamePattern = /^[A-Za-z0-9_.:-]{1,128}$/;
export const counterNameRule = 'must be 1-128 letters, digits or _ . : -';

const counterName = (value: string) => (counterNamePattern.test(value) ? null : counterNameRule);

const counterOption: OptionDescriptor = {
  type: 'str',
  required: true,
  description: 'The name of the counter.',
  check: counterName,
};

export const handlerModules: readonly HandlerModule[] = [
  {
    name: 'UserNotification',
    positions: ['post'],
    actions: {
      sendmail: {
        To: {
          type: 'str',
          required: true,
          description: 'Send the notification to the user of the event, or to the addresses in "To email".',
          value: ['event_user', 'email'],
        },
        'To email': {
          type: 'str',
          description: 'Comma-separated addresses, when To is "email".',
          requiredWhen: { option: 'To', equals: 'email' },
          check: (value) =>
            value.split(',').every((address) => emailAddress.test(address.trim()))
              ? null
              : 'must be a comma list of email addresses',
        },
        subject: { type: 'str', description: 'The subject of the mail; {tags} are filled.' },
        body: { type: 'text', description: 'The body of the mail; {tags} are filled.' },
        mimetype: { type: 'str', description: 'The body is plain text or HTML.', value: ['plain', 'html'] },
        reply_to: {
          type: 'str',
          description: 'The Reply-To address.',
          check: (value) => (emailAddress.test(value.trim()) ? null : 'must be an email address'),
        },
      },
    },
  },
  {
    name: 'WebHook',
    positions: ['post'],
    actions: {
      post_webhook: {
        URL: { type: 'str', required: true, description: 'The http or https URL to post to.', check: httpUrl },
        content_type: {
          type: 'str',
          required: true,
          description: 'How the data is sent.',
          value: ['application/json', 'application/x-www-form-urlencoded'],
        },
        replace: { type: 'bool', description: 'Fill {tags} in data.' },
        data: { type: 'text', description: 'The payload template; default the event as JSON.' },
        secret: {
          type: 'str',
          description: 'When set, requests carry Standard Webhooks signature headers.',
          writeOnly: true,
        },
      },
    },
  },
  {
    name: 'Counter',
    positions: ['pre', 'post'],
    actions: {
      increase_counter: { counter_name: counterOption },
      decrease_counter: {
        counter_name: counterOption,
        allow_negative_values: { type: 'bool', description: 'Without it the counter stays at 0 or above.' },
      },
      reset_counter: { counter_name: counterOption },
    },
  },
  {
    name: 'Logging',
    positions: ['pre', 'post'],
    actions: {
      logging: {
        name: { type: 'str', description: 'The logger name (default idp-event-hub).' },
        level: { type: 'str', description: 'The log level.', value: ['ERROR', 'WARNING', 'INFO', 'DEBUG'] },
        message: { type: 'text', description: 'The message (default "event={action} triggered"); {tags} are filled.' },
      },
    },
  },
  {
    name: 'RequestMangler',
    positions: ['pre'],
    actions: {
      delete: {
        parameter: {
          type: 'str',
          required: true,
          description: 'The field to remove; dotted paths reach into context and user.',
        },
      },
      set: {
        parameter: {
          type: 'str',
          required: true,
          description: 'The field to set; dotted paths reach into context and user.',
        },
        value: { type: 'str', required: true, description: 'The value; {0}, {1}… are the groups of match_pattern.' },
        match_parameter: { type: 'str', description: 'Only set when this field fully matches match_pattern.' },
        match_pattern: {
          type: 'str',
          description: 'A regular expression (RE2 syntax) the whole match_parameter must match.',
          requiredWhen: { option: 'match_parameter' },
          check: regularExpression,
        },
      },
    },
  },
];

export const handlerModule = (name: string) => handlerModules.find((module) => module.name === name);

export const hiddenValue = '__HIDDEN__';

/** The option schema as privacyIDEA's WebUI reads it (internal fields left out). */
export function describeActions(module: HandlerModule) {
  return Object.fromEntries(
    Object.entries(module.actions).map(([action, options]) => [
      action,
      Object.fromEntries(
        Object.entries(options).map(([name, { type, required, description, value }]) => [
          name,
          { type, ...(required && { required }), description, ...(value && { value }) },
        ]),
      ),
    ]),
  );
}
