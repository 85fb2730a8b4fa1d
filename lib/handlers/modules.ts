// Handler modules: one object each, holding what it offers (positions, actions, option
// schemas) and what each action does. The GET /event/{positions,actions}/… routes, binding
// validation and dispatch (through runner-table.ts) all read these.
import type { Binding, Position } from '../bindings/binding.ts';
import { invalid } from '../errors.ts';
import type { Event } from '../events/event.ts';
import { hasOwnKey, ownValue } from '../own-keys.ts';
import { patternProblem } from '../patterns.ts';
import { emailAddress } from './email-address.ts';
import { PermanentFailure } from './failure.ts';
import { composeMail, type MailOptions } from './mail.ts';
import { deleteParameter, pathProblem, setParameter } from './mangler.ts';
import type { CounterActions, RunContext, RunnerDeps, RunResult } from './runners.ts';
import { fillTags, noteUnknownTags } from './tags.ts';
import { postWebhook, type WebhookOptions } from './webhook.ts';

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
  check?: (value: string) => string | null | Promise<string | null>;
}

/** One action of a module: its options and its run, with the settings the composition gives it. */
export interface HandlerAction {
  options: Record<string, OptionDescriptor>;
  run(binding: Binding, event: Event, context: RunContext, deps: RunnerDeps): Promise<RunResult>;
}

export interface HandlerModule {
  name: string;
  positions: Position[];
  actions: Record<string, HandlerAction>;
}

const trueWords = new Set(['1', 'true', 'True', 'TRUE']);
const falseWords = new Set(['0', 'false', 'False', 'FALSE']);

/** privacyIDEA's booleans, strictly: anything else is refused. */
export function parseBoolean(name: string, value: unknown): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value === 'string' && trueWords.has(value)) return true;
  if (typeof value === 'string' && falseWords.has(value)) return false;
  throw invalid('', `${name}: '${String(value)}' is not a boolean (use true/false or 1/0)`);
}

// Options were validated when the binding was saved; a value that still does not fit is a
// configuration problem no retry can fix.
function bool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  try {
    return parseBoolean(name, value);
  } catch (error) {
    throw new PermanentFailure((error as Error).message);
  }
}

const regularExpression = async (value: string) => {
  const problem = await patternProblem(value);
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

export const counterNamePattern = /^[A-Za-z0-9_.:-]{1,128}$/;
export const counterNameRule = 'must be 1-128 letters, digits or _ . : -';

const counterName = (value: string) => (counterNamePattern.test(value) ? null : counterNameRule);

const counterOption: OptionDescriptor = {
  type: 'str',
  required: true,
  description: 'The name of the counter.',
  check: counterName,
};

/** A Counter action: one change of the counter the binding names (collected with the event in pre runs). */
const counterAction = (
  options: Record<string, OptionDescriptor>,
  change: (counters: CounterActions, name: string, options: Record<string, string>) => Promise<number>,
): HandlerAction => ({
  options,
  run: async (binding, _event, context, deps) => {
    const name = binding.options.counter_name ?? '';
    if (!counterNamePattern.test(name)) throw new PermanentFailure(`option.counter_name: '${name}' ${counterNameRule}`);
    const value = await change(context.counters ?? deps.counters, name, binding.options);
    return { notes: [`${name} = ${value}`] };
  },
});

// The Logging module's levels (privacyIDEA's names) and the log method each writes with.
const logMethods = { ERROR: 'error', WARNING: 'warn', INFO: 'info', DEBUG: 'debug' } as const;
const logMethodOf = (level: string | undefined) =>
  logMethods[level !== undefined && hasOwnKey(logMethods, level) ? (level as keyof typeof logMethods) : 'INFO'];

// The counterAction calls are marked pure: a bundle that reads only counterNamePattern drops the table.
export const handlerModules: readonly HandlerModule[] = [
  {
    name: 'UserNotification',
    positions: ['post'],
    actions: {
      sendmail: {
        options: {
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
        run: async (binding, event, context, deps) => {
          const { mail, notes } = composeMail(binding.options as unknown as MailOptions, event, deps.emailFrom);
          const sent = await deps.mail.send(mail);
          // The mail is out: failing to record it must not fail the run (a retry would send it again).
          const recorded = await context
            .record({ action: 'email_sent', user: event.user, context: { subject: mail.subject, to: mail.to } })
            .then(
              () => [],
              (error: Error) => [`email_sent not recorded: ${error.message}`],
            );
          return { notes: [...notes, sent, ...recorded] };
        },
      },
    },
  },
  {
    name: 'WebHook',
    positions: ['post'],
    actions: {
      post_webhook: {
        options: {
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
        run: async (binding, event, context, deps) => {
          const options = binding.options;
          const webhook: WebhookOptions = {
            URL: options.URL as string,
            content_type: options.content_type as WebhookOptions['content_type'],
            replace: bool('option.replace', options.replace),
            data: options.data,
            secret: options.secret || undefined,
          };
          // Inside a budget the call gets only what is left of it.
          const settings =
            context.deadline === undefined
              ? deps.webhook
              : {
                  ...deps.webhook,
                  timeoutMs: Math.max(1, Math.min(deps.webhook.timeoutMs, context.deadline - Date.now())),
                };
          return { notes: await postWebhook(webhook, event, { id: context.deliveryId, now: context.now }, settings) };
        },
      },
    },
  },
  {
    name: 'Counter',
    positions: ['pre', 'post'],
    actions: {
      increase_counter: /* @__PURE__ */ counterAction({ counter_name: counterOption }, (counters, name) =>
        counters.increase(name),
      ),
      decrease_counter: /* @__PURE__ */ counterAction(
        {
          counter_name: counterOption,
          allow_negative_values: { type: 'bool', description: 'Without it the counter stays at 0 or above.' },
        },
        (counters, name, options) =>
          counters.decrease(name, bool('option.allow_negative_values', options.allow_negative_values)),
      ),
      reset_counter: /* @__PURE__ */ counterAction({ counter_name: counterOption }, (counters, name) =>
        counters.reset(name),
      ),
    },
  },
  {
    name: 'Logging',
    positions: ['pre', 'post'],
    actions: {
      logging: {
        options: {
          name: { type: 'str', description: 'The logger name (default idp-event-hub).' },
          level: { type: 'str', description: 'The log level.', value: ['ERROR', 'WARNING', 'INFO', 'DEBUG'] },
          message: {
            type: 'text',
            description: 'The message (default "event={action} triggered"); {tags} are filled.',
          },
        },
        run: async (binding, event, context, deps) => {
          const message = fillTags(binding.options.message || 'event={action} triggered', event);
          deps.log[logMethodOf(binding.options.level)](message.text, {
            logger: binding.options.name || 'idp-event-hub',
            event_uuid: event.pk,
            action: event.action,
            binding: binding.id,
            delivery: context.deliveryId,
            time: context.now.toISOString(),
          });
          return { notes: noteUnknownTags(message.unknown) };
        },
      },
    },
  },
  {
    name: 'RequestMangler',
    positions: ['pre'],
    actions: {
      delete: {
        options: {
          parameter: {
            type: 'str',
            required: true,
            description: 'The field to remove; dotted paths reach into context and user.',
            check: pathProblem,
          },
        },
        run: async (binding, event) => deleteParameter(event, binding.options.parameter as string),
      },
      set: {
        options: {
          parameter: {
            type: 'str',
            required: true,
            description: 'The field to set; dotted paths reach into context and user.',
            check: pathProblem,
          },
          value: { type: 'str', required: true, description: 'The value; {0}, {1}… are the groups of match_pattern.' },
          match_parameter: {
            type: 'str',
            description: 'Only set when this field fully matches match_pattern.',
            check: pathProblem,
          },
          match_pattern: {
            type: 'str',
            description: 'A regular expression (RE2 syntax) the whole match_parameter must match.',
            requiredWhen: { option: 'match_parameter' },
            check: regularExpression,
          },
        },
        run: async (binding, event) =>
          setParameter(event, {
            parameter: binding.options.parameter as string,
            value: binding.options.value ?? '',
            match_parameter: binding.options.match_parameter || undefined,
            match_pattern: binding.options.match_pattern,
          }),
      },
    },
  },
];

export const handlerModule = (name: string) => handlerModules.find((module) => module.name === name);

/** The action of a module by name (own keys only: `toString` is no action). */
export const moduleAction = (module: HandlerModule, action: string) => ownValue(module.actions, action);

export const hiddenValue = '__HIDDEN__';

/** The option schema as privacyIDEA's WebUI reads it (internal fields left out). */
export function describeActions(module: HandlerModule) {
  return Object.fromEntries(
    Object.entries(module.actions).map(([action, { options }]) => [
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
