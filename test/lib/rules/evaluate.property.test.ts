// The evaluation core (lib/rules/evaluate.ts) against a plain oracle written here: for each
// event, look at every earlier event again and count. Random streams on a coarse clock (whole
// seconds, many at one instant) so that events land exactly on window edges and quiet ends.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRule, RuleEvaluator, type RuleEvent } from '../../../lib/rules/evaluate.ts';
import type { RuleFire } from '../../../lib/rules/rule.ts';

const base = Date.UTC(2026, 10, 30, 5, 0, 0);

interface Rule {
  query: string;
  type: 'event_count' | 'value_count';
  field: string | null;
  group_by: readonly string[];
  window: number;
  threshold: number;
  suppress_for: number;
}

// ---- the oracle: obviously correct, quadratic, no shared code with the core ----

/** Each query with what it means, written out by hand. */
const queries: [string, (event: RuleEvent) => boolean][] = [
  ['action = "login_failed"', (event) => event.action === 'login_failed'],
  [
    'action in ("login_failed", "custom_threshold_exceeded")',
    (e) => ['login_failed', 'custom_threshold_exceeded'].includes(e.action),
  ],
  ['app = "authentik.core" or action = "login"', (event) => event.app === 'authentik.core' || event.action === 'login'],
];

function read(event: RuleEvent, path: string): unknown {
  let node: unknown = event;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return null;
    node = (node as Record<string, unknown>)[key];
  }
  return node ?? null;
}

function oracle(rule: Rule, events: RuleEvent[]): RuleFire[] {
  const matches = (queries.find(([text]) => text === rule.query) as [string, (e: RuleEvent) => boolean])[1];
  const time = (event: RuleEvent) => Date.parse(event.created);
  const sorted = [...events].sort((a, b) => time(a) - time(b) || (a.pk < b.pk ? -1 : 1));
  const counted = (event: RuleEvent) =>
    !(event.action === 'custom_threshold_exceeded' && event.app === 'idp-event-hub.rules') &&
    matches(event) &&
    (rule.type === 'event_count' || read(event, rule.field as string) !== null);
  const groupOf = (event: RuleEvent) => JSON.stringify(rule.group_by.map((path) => read(event, path)));
  // Objects with the same keys and values are one value, whatever the keys' order.
  const sortedKeys = (value: unknown): unknown =>
    value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value;
  const distinctValue = (event: RuleEvent) => JSON.stringify(sortedKeys(read(event, rule.field as string)));
  const lastFire = new Map<string, { index: number; at: number }>();
  const fires: RuleFire[] = [];
  sorted.forEach((event, i) => {
    if (!counted(event)) return;
    const group = groupOf(event);
    const t = time(event);
    const last = lastFire.get(group);
    const members = sorted.filter(
      (other, j) =>
        j <= i &&
        (last === undefined || j > last.index) &&
        counted(other) &&
        groupOf(other) === group &&
        time(other) > t - rule.window * 1000,
    );
    const count = rule.type === 'event_count' ? members.length : new Set(members.map(distinctValue)).size;
    if (count < rule.threshold) return;
    if (last !== undefined && t < last.at + rule.suppress_for * 1000) return;
    const samples: string[] = [];
    const values = new Set<string>();
    for (const member of members) {
      if (rule.type === 'value_count') {
        if (values.has(distinctValue(member))) continue;
        values.add(distinctValue(member));
      }
      if (samples.length < 10) samples.push(member.pk);
    }
    fires.push({
      group: Object.fromEntries(rule.group_by.map((path) => [path, read(event, path)])),
      count,
      window_start: new Date(t - rule.window * 1000).toISOString(),
      window_end: new Date(t).toISOString(),
      first_event: (members[0] as RuleEvent).pk,
      last_event: event.pk,
      sample_events: samples,
    });
    lastFire.set(group, { index: i, at: t });
  });
  return fires;
}

// ---- random streams ----

const users = ['ana', 'bob', '', null, undefined];
const ips = ['192.0.2.1', '2001:db8::1', null];
const targets = ['x', 'y', 'z', 1, '1', true, null, undefined, { a: 1, b: 2 }];

const event = fc.record({
  second: fc.integer({ min: 0, max: 45 }),
  action: fc.constantFrom('login_failed', 'login', 'custom_threshold_exceeded'),
  app: fc.constantFrom('authentik.core', 'idp-event-hub.rules', 'other'),
  user: fc.constantFrom(...users),
  ip: fc.constantFrom(...ips),
  target: fc.constantFrom(...targets),
});

const stream = fc.array(event, { maxLength: 80, size: 'max' }).map((drawn) =>
  drawn.map(
    (e, i): RuleEvent => ({
      // Unique, and unrelated to the order of `created`.
      pk: `e${String((i * 7919) % 1000).padStart(3, '0')}-${i}`,
      created: new Date(base + e.second * 1000).toISOString(),
      action: e.action,
      app: e.app,
      user: e.user === undefined ? {} : { username: e.user },
      client_ip: e.ip,
      // Keys in another order for the object value: the same value.
      context:
        e.target === undefined
          ? {}
          : { target: i % 2 === 0 && typeof e.target === 'object' ? { b: 2, a: 1 } : e.target },
      brand: {},
    }),
  ),
);

const rule = fc
  .record({
    query: fc.constantFrom(...queries.map(([text]) => text)),
    type: fc.constantFrom('event_count' as const, 'value_count' as const),
    group_by: fc.constantFrom([], ['user.username'], ['client_ip'], ['user.username', 'client_ip'], ['brand.name']),
    window: fc.integer({ min: 1, max: 40 }),
    threshold: fc.integer({ min: 1, max: 6 }),
    suppress_for: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
  })
  .map((drawn): Rule => ({ ...drawn, field: drawn.type === 'value_count' ? 'context.target' : null }));

describe('the evaluation core', () => {
  it('fires exactly as the oracle: same groups, counts, windows, events and samples', () => {
    fc.assert(
      fc.property(rule, stream, (rule, events) => {
        expect(evaluateRule(rule, events)).toEqual(oracle(rule, events));
      }),
      { numRuns: 3_000 },
    );
  });

  it('gives the same fires fed one event at a time, in any order of equal-created ties resolved by pk', () => {
    fc.assert(
      fc.property(rule, stream, (rule, events) => {
        const sorted = [...events].sort(
          (a, b) => Date.parse(a.created) - Date.parse(b.created) || (a.pk < b.pk ? -1 : 1),
        );
        const evaluator = new RuleEvaluator(rule);
        const fires = sorted.map((event) => evaluator.add(event)).filter((fire) => fire !== null);
        expect(fires).toEqual(evaluateRule(rule, [...events].reverse()));
      }),
      { numRuns: 500 },
    );
  });

  it('forgets a group only when nothing is left to count and its quiet is over', () => {
    fc.assert(
      fc.property(rule, stream, fc.integer({ min: 0, max: 200_000 }), (rule, events, later) => {
        const sorted = [...events].sort(
          (a, b) => Date.parse(a.created) - Date.parse(b.created) || (a.pk < b.pk ? -1 : 1),
        );
        const swept = new RuleEvaluator(rule);
        const kept = new RuleEvaluator(rule);
        const fires: [RuleFire | null, RuleFire | null][] = [];
        for (const event of sorted) {
          // A sweep at each event's own time, as a live path would between batches.
          swept.sweep(Date.parse(event.created));
          fires.push([swept.add(event), kept.add(event)]);
        }
        for (const [a, b] of fires) expect(a).toEqual(b);
        swept.sweep(base + (45 + rule.window + rule.suppress_for) * 1000 + later);
        expect(swept.size).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
