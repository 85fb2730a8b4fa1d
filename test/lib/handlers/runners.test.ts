import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../../functions/logger.ts';
import type { Binding } from '../../../lib/bindings/binding.ts';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import { smtpTransport } from '../../../lib/handlers/mail-transports.ts';
import { handlerModules } from '../../../lib/handlers/modules.ts';
import { handlerRunners } from '../../../lib/handlers/runner-table.ts';
import type { CounterActions, RecordedEvent, RunContext, RunnerDeps } from '../../../lib/handlers/runners.ts';
import { withOutput } from '../../helpers/output.ts';
import { parseMessage, type SmtpSink, startSmtpSink } from '../net/smtp-sink.ts';
import { sampleEvent } from './event.ts';
import { type Sink, startSink } from './http-sink.ts';

const event = sampleEvent();

function binding(handlermodule: string, action: string, options: Record<string, string> = {}): Binding {
  return {
    id: 4,
    name: `${handlermodule} ${action}`,
    active: true,
    ordering: 0,
    position: 'post',
    abort_on_error: false,
    action,
    condition: '',
    event: [event.action],
    handlermodule,
    options,
    conditions: {},
  };
}

function counterLog() {
  const calls: string[] = [];
  const counters: CounterActions = {
    increase: async (name) => {
      calls.push(`increase ${name}`);
      return 1;
    },
    decrease: async (name, allowNegative) => {
      calls.push(`decrease ${name} ${allowNegative}`);
      return 0;
    },
    reset: async (name) => {
      calls.push(`reset ${name}`);
      return 0;
    },
  };
  return { calls, counters };
}

function runContext(record: (event: RecordedEvent) => Promise<void> = async () => undefined): RunContext {
  return { deliveryId: `${event.pk}.4.some_action`, now: new Date('2026-11-30T04:05:06.789Z'), record };
}

let sink: Sink;
let smtp: SmtpSink;
let lines: string[];
let counterCalls: string[];
let runners: ReturnType<typeof handlerRunners>;

beforeAll(async () => {
  sink = await startSink();
  smtp = await startSmtpSink();
  lines = [];
  const { calls, counters } = counterLog();
  counterCalls = calls;
  const deps: RunnerDeps = {
    counters,
    mail: smtpTransport({ url: smtp.url(), timeoutMs: 5_000 }),
    emailFrom: 'hub@example.com',
    webhook: { allowPrivate: true, timeoutMs: 5_000 },
    log: logger,
  };
  runners = handlerRunners(deps);
});
afterAll(async () => {
  await sink.close();
  await smtp.close();
});

const run = (b: Binding, context = runContext()) => {
  const runner = runners[b.handlermodule]?.[b.action];
  if (!runner) throw new Error(`no runner for ${b.handlermodule} ${b.action}`);
  // Logging writes through the service's logger (Powertools, to stdout and stderr).
  return withOutput(lines, () => runner(b, event, context));
};

describe('the runner table', () => {
  it('names the same modules and actions as the descriptors in modules.ts', () => {
    const described = Object.fromEntries(
      handlerModules.map((module) => [module.name, Object.keys(module.actions).sort()]),
    );
    const runnable = Object.fromEntries(
      Object.entries(runners).map(([name, actions]) => [name, Object.keys(actions).sort()]),
    );
    expect(runnable).toEqual(described);
  });
});

describe('Logging', () => {
  it('writes one structured JSON line with the filled message', async () => {
    lines.length = 0;
    const result = await run(
      binding('Logging', 'logging', {
        name: 'audit',
        level: 'WARNING',
        message: '{username} failed from {client_ip} {nope}',
      }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      level: 'WARNING',
      logger: 'audit',
      message: 'alice failed from 198.51.100.7 {nope}',
      event_uuid: event.pk,
      action: 'login_failed',
      binding: 4,
      delivery: `${event.pk}.4.some_action`,
      time: '2026-11-30T04:05:06.789Z',
    });
    expect(result).toEqual({ notes: ['unknown tags left as written: {nope}'] });
  });

  it('defaults to INFO, the idp-event-hub logger and "event={action} triggered"', async () => {
    lines.length = 0;
    await run(binding('Logging', 'logging'));
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'INFO',
      logger: 'idp-event-hub',
      message: 'event=login_failed triggered',
    });
  });

  it('keeps a message with quotes and line breaks on one valid JSON line', async () => {
    lines.length = 0;
    await run(binding('Logging', 'logging', { message: 'say "{context.reason}"\nnext' }));
    expect(lines[0]?.split('\n')).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '').message).toBe('say "bad password"\nnext');
  });
});

describe('Counter', () => {
  it('increases, decreases (with or without negatives) and resets the named counter', async () => {
    counterCalls.length = 0;
    expect(await run(binding('Counter', 'increase_counter', { counter_name: 'fails' }))).toEqual({
      notes: ['fails = 1'],
    });
    await run(binding('Counter', 'decrease_counter', { counter_name: 'fails' }));
    await run(binding('Counter', 'decrease_counter', { counter_name: 'fails', allow_negative_values: 'True' }));
    await run(binding('Counter', 'decrease_counter', { counter_name: 'fails', allow_negative_values: '0' }));
    await run(binding('Counter', 'reset_counter', { counter_name: 'fails' }));
    expect(counterCalls).toEqual([
      'increase fails',
      'decrease fails false',
      'decrease fails true',
      'decrease fails false',
      'reset fails',
    ]);
  });

  it('fails permanently on a counter name or boolean that does not fit, counting nothing', async () => {
    counterCalls.length = 0;
    await expect(run(binding('Counter', 'increase_counter', {}))).rejects.toThrow(PermanentFailure);
    await expect(run(binding('Counter', 'increase_counter', { counter_name: 'a b' }))).rejects.toThrow(
      "option.counter_name: 'a b' must be 1-128 letters",
    );
    await expect(
      run(binding('Counter', 'decrease_counter', { counter_name: 'c', allow_negative_values: 'maybe' })),
    ).rejects.toThrow(PermanentFailure);
    expect(counterCalls).toEqual([]);
  });
});

describe('WebHook', () => {
  it('posts with the delivery id as webhook-id, signed when the binding has a secret', async () => {
    sink.received.length = 0;
    const secret = `whsec_${Buffer.from('runner secret runner secret 1234').toString('base64')}`;
    const context = { ...runContext(), now: new Date() };
    const result = await run(
      binding('WebHook', 'post_webhook', {
        URL: sink.url(),
        content_type: 'application/json',
        replace: 'true',
        data: '{"text": "{username} failed"}',
        secret,
      }),
      context,
    );
    expect(result).toEqual({ notes: ['HTTP 204'] });
    const [request] = sink.received;
    expect(request?.headers['webhook-id']).toBe(context.deliveryId);
    expect(new Webhook(secret).verify(request?.body ?? '', request?.headers as Record<string, string>)).toEqual({
      text: 'alice failed',
    });
  });

  it('leaves tags alone when replace is false, and sends unsigned without a secret', async () => {
    sink.received.length = 0;
    await run(
      binding('WebHook', 'post_webhook', {
        URL: sink.url(),
        content_type: 'application/json',
        replace: 'false',
        data: '{"text": "{username}"}',
        secret: '',
      }),
    );
    expect(JSON.parse(sink.received[0]?.body ?? '')).toEqual({ text: '{username}' });
    expect(sink.received[0]?.headers['webhook-signature']).toBeUndefined();
  });
});

describe('UserNotification', () => {
  it('mails the event user over SMTP and records email_sent', async () => {
    const recorded: RecordedEvent[] = [];
    const result = await run(
      binding('UserNotification', 'sendmail', { To: 'event_user', subject: 'Failed login for {username}' }),
      runContext(async (recordedEvent) => {
        recorded.push(recordedEvent);
      }),
    );
    expect(result.notes[0]).toBe('to alice@example.com');
    expect(result.notes[1]).toMatch(/^smtp: /);
    const mail = smtp.received.at(-1);
    expect(mail).toMatchObject({ from: 'hub@example.com', to: ['alice@example.com'] });
    expect(parseMessage(mail?.data ?? '').headers.subject).toBe('Failed login for alice');
    expect(recorded).toEqual([
      {
        action: 'email_sent',
        user: event.user,
        context: { subject: 'Failed login for alice', to: ['alice@example.com'] },
      },
    ]);
  });

  it('does not fail a sent mail when recording it fails (a retry would send it again)', async () => {
    const before = smtp.received.length;
    const result = await run(
      binding('UserNotification', 'sendmail', { To: 'email', 'To email': 'sec@example.com' }),
      runContext(async () => {
        throw new Error('table unavailable');
      }),
    );
    expect(smtp.received).toHaveLength(before + 1);
    expect(result.notes.at(-1)).toBe('email_sent not recorded: table unavailable');
  });

  it('fails permanently, sending nothing, when there is no recipient', async () => {
    const before = smtp.received.length;
    const runner = runners.UserNotification?.sendmail;
    await expect(
      runner?.(binding('UserNotification', 'sendmail', { To: 'event_user' }), sampleEvent({ user: {} }), runContext()),
    ).rejects.toThrow(PermanentFailure);
    expect(smtp.received).toHaveLength(before);
  });
});

describe('RequestMangler', () => {
  it('answers the changed event for delete and set', async () => {
    const deleted = await run(binding('RequestMangler', 'delete', { parameter: 'user.email' }));
    expect(deleted.event?.user).toEqual({ pk: 7, username: 'alice' });
    const set = await run(
      binding('RequestMangler', 'set', {
        parameter: 'context.domain',
        value: '{0}',
        match_parameter: 'user.email',
        match_pattern: '.*@(.*)',
      }),
    );
    expect(set.event?.context.domain).toBe('example.com');
    expect(set.notes).toEqual(['set context.domain']);
  });
});
