// In-memory stand-ins for dispatch's own interfaces (not for DynamoDB): the unit tests drive
// the logic; the DynamoDB-backed stores are exercised end to end in test/functions/.
import type { Binding } from '../../../lib/bindings/binding.ts';
import { bindingSource } from '../../../lib/dispatch/bindings-source.ts';
import { readDispatchConfig } from '../../../lib/dispatch/config.ts';
import type { Delivery } from '../../../lib/dispatch/delivery.ts';
import type { DispatchDeps } from '../../../lib/dispatch/deps.ts';
import { deliveryMetrics } from '../../../lib/dispatch/metrics.ts';
import type { Event } from '../../../lib/events/event.ts';
import type { Runner } from '../../../lib/handlers/runners.ts';
import type { LogFields, StructuredLog } from '../../../lib/log.ts';
import type { MatcherPolicy } from '../../../lib/matchers/policy.ts';
import { outputOf } from '../../helpers/output.ts';

export function binding(overrides: Partial<Binding> = {}): Binding {
  return {
    id: 1,
    name: 'test binding',
    active: true,
    ordering: 0,
    position: 'post',
    abort_on_error: false,
    action: 'post_webhook',
    condition: '',
    event: ['login_failed'],
    handlermodule: 'WebHook',
    options: {},
    conditions: {},
    ...overrides,
  };
}

export function event(overrides: Partial<Event> = {}): Event {
  return {
    pk: '01a22aae-708f-7214-8942-755dcd2711a9',
    user: { username: 'alice' },
    action: 'login_failed',
    app: 'tests',
    context: {},
    client_ip: '192.0.2.1',
    created: '2026-11-30T04:00:00.000Z',
    expires: '2027-11-30T04:00:00.000Z',
    brand: {},
    ...overrides,
  };
}

/** A log that adds each entry to `lines` as one JSON line. */
export function recordingLog(lines: string[]): StructuredLog {
  const at =
    (level: string) =>
    (message: string, ...fields: LogFields[]) =>
      lines.push(JSON.stringify(Object.assign({ level, message }, ...fields)));
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARNING'), error: at('ERROR') };
}

export function fakeDeps(options: {
  bindings?: Binding[];
  runners?: Record<string, Record<string, Runner>>;
  policies?: MatcherPolicy[];
  events?: Event[];
  env?: Record<string, string>;
}) {
  const saved = { ...process.env };
  Object.assign(process.env, {
    DELIVERY_MAX_ATTEMPTS: '3',
    DELIVERY_BACKOFF_BASE_MS: '1000',
    DELIVERY_BACKOFF_MAX_MS: '4000',
    ...options.env,
  });
  const config = readDispatchConfig();
  process.env = saved;
  const all = options.bindings ?? [];
  const stored = new Map<string, Delivery>();
  const recorded: Event[] = [];
  const lines: string[] = [];
  const linkReads: string[] = [];
  let clock = Date.parse('2026-11-30T05:00:00.000Z');
  const log = recordingLog(lines);
  // The real EMF lines (Powertools writes them to stdout), kept with the log's.
  const metrics = deliveryMetrics({ namespace: 'Test', log, now: () => clock });
  const deps: DispatchDeps = {
    config,
    bindings: bindingSource(
      {
        async forEvent(position, name) {
          linkReads.push(`${position}#${name}`);
          return all
            .filter((b) => b.active && b.position === position && b.event.includes(name))
            .sort((a, b) => a.ordering - b.ordering || a.id - b.id);
        },
      },
      { cacheMs: 0 },
    ),
    binding: async (id) => all.find((b) => b.id === id) ?? null,
    deliveries: {
      async claim(delivery) {
        if (stored.has(delivery.id)) return false;
        stored.set(delivery.id, structuredClone(delivery));
        return true;
      },
      async replace(expected, next) {
        if (stored.get(expected.id)?.rev !== expected.rev) return null;
        const written = { ...structuredClone(next), rev: expected.rev + 1 };
        stored.set(expected.id, written);
        return written;
      },
      get: async (id) => stored.get(id) ?? null,
      async due(now) {
        return [...stored.values()].filter(
          (d) =>
            (d.status === 'pending' || d.status === 'failed') &&
            d.next_attempt !== null &&
            d.next_attempt <= now.toISOString(),
        );
      },
      ofEvent: async (id) => [...stored.values()].filter((d) => d.event === id),
    },
    events: {
      get: async (id) => [...(options.events ?? []), ...recorded].find((e) => e.pk === id) ?? null,
      record: async (e) => {
        recorded.push(e);
      },
    },
    policies: { get: async (uuid) => options.policies?.find((p) => p.pk === uuid) ?? null },
    counters: { value: async () => 0 },
    runners: options.runners ?? {},
    metrics: { count: metrics.count, flush: () => lines.push(...outputOf(metrics.flush)) },
    log,
    now: () => new Date(clock),
    random: () => 0.5,
  };
  return {
    deps,
    stored,
    recorded,
    lines,
    linkReads,
    advance(ms: number) {
      clock += ms;
    },
  };
}
