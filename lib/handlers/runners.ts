// What each handler module's actions do, keyed by the same module and action names as the
// descriptors in modules.ts (a test holds the two tables together).
import type { Binding } from '../bindings/binding.ts';
import { parseBoolean } from '../bindings/binding.ts';
import type { Event, JsonObject } from '../events/event.ts';
import type { StructuredLog } from '../log.ts';
import { PermanentFailure } from './failure.ts';
import { composeMail, type MailOptions, type MailTransport } from './mail.ts';
import { deleteParameter, setParameter } from './mangler.ts';
import { counterNamePattern, counterNameRule } from './modules.ts';
import { fillTags, noteUnknownTags } from './tags.ts';
import { postWebhook, type WebhookOptions, type WebhookSettings } from './webhook.ts';

/** An event the service records about itself as a result of a run (it carries its cause). */
export interface RecordedEvent {
  action: string;
  user: JsonObject;
  context: JsonObject;
}

export interface RunContext {
  /** The delivery id: stable across retries (the webhook-id). */
  deliveryId: string;
  /** This attempt's time: the webhook-timestamp (receivers refuse stale ones) and the Logging line's time. */
  now: Date;
  record(event: RecordedEvent): Promise<void>;
  /** Pre runs: counter changes are collected and written with the event (lib/dispatch/pre-counters.ts). */
  counters?: CounterActions;
  /** Pre runs: the epoch ms by which the run must have ended (the pre bindings' budget). */
  deadline?: number;
}

export interface RunResult {
  notes: string[];
  /** The changed event (pre position only). */
  event?: Event;
}

export type Runner = (binding: Binding, event: Event, context: RunContext) => Promise<RunResult>;

export interface CounterActions {
  increase(name: string): Promise<number>;
  decrease(name: string, allowNegative: boolean): Promise<number>;
  reset(name: string): Promise<number>;
}

export interface RunnerDeps {
  counters: CounterActions;
  mail: MailTransport;
  emailFrom: string;
  webhook: WebhookSettings;
  /** Where Logging writes its lines: the service's own structured log, at the binding's level. */
  log: StructuredLog;
}

/** The runner settings read from the environment; the caller adds the log. */
export type RunnerSettings = Omit<RunnerDeps, 'log'>;

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
// The Logging module's levels (privacyIDEA's names) and the log method each writes with.
const logMethods = { ERROR: 'error', WARNING: 'warn', INFO: 'info', DEBUG: 'debug' } as const;
const logMethodOf = (level: string | undefined) =>
  logMethods[level !== undefined && Object.hasOwn(logMethods, level) ? (level as keyof typeof logMethods) : 'INFO'];

export function handlerRunners(deps: RunnerDeps): Record<string, Record<string, Runner>> {
  const counter =
    (change: (counters: CounterActions, name: string, options: Record<string, string>) => Promise<number>): Runner =>
    async (binding, _event, context) => {
      const name = binding.options.counter_name ?? '';
      if (!counterNamePattern.test(name))
        throw new PermanentFailure(`option.counter_name: '${name}' ${counterNameRule}`);
      const value = await change(context.counters ?? deps.counters, name, binding.options);
      return { notes: [`${name} = ${value}`] };
    };
  return {
    UserNotification: {
      sendmail: async (binding, event, context) => {
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
    WebHook: {
      post_webhook: async (binding, event, context) => {
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
    Counter: {
      increase_counter: counter((counters, name) => counters.increase(name)),
      decrease_counter: counter((counters, name, options) =>
        counters.decrease(name, bool('option.allow_negative_values', options.allow_negative_values)),
      ),
      reset_counter: counter((counters, name) => counters.reset(name)),
    },
    Logging: {
      logging: async (binding, event, context) => {
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
    RequestMangler: {
      delete: async (binding, event) => deleteParameter(event, binding.options.parameter as string),
      set: async (binding, event) =>
        setParameter(event, {
          parameter: binding.options.parameter as string,
          value: binding.options.value ?? '',
          match_parameter: binding.options.match_parameter || undefined,
          match_pattern: binding.options.match_pattern,
        }),
    },
  };
}
