// The live path (lib/rules/live.ts, states in DynamoDB Local through lib/store/rule-states.ts,
// fires recorded through the real ingest) against the evaluation core over the same stream
// (evaluateRule, itself held to a plain oracle in evaluate.property.test.ts): random streams on a
// whole-second clock (events exactly at window edges and quiet ends), cut into random batches,
// batches redelivered, fire recording crashing before or after its write. Every fire is recorded
// exactly once and is the fire the core computes.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../lib/events/event.ts';
import { evaluateRule } from '../../../lib/rules/evaluate.ts';
import type { PendingFire } from '../../../lib/rules/fires.ts';
import type { LiveRuleDeps, StreamedEvent } from '../../../lib/rules/live.ts';
import type { RuleFire, StoredDetectionRule } from '../../../lib/rules/rule.ts';
import { useFreshTable } from '../../helpers/table.ts';

const base = Date.UTC(2026, 10, 30, 5, 0, 0);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let live: typeof import('../../../lib/rules/live.ts');
let store: LiveRuleDeps['states'];
let record: (fire: PendingFire) => Promise<boolean>;
beforeAll(async () => {
  await useFreshTable();
  live = await import('../../../lib/rules/live.ts');
  store = (await import('../../../lib/store/rule-states.ts')).ruleStateStore;
  const { recordFire } = await import('../../../lib/rules/fires.ts');
  const { ingestStore } = await import('../../../lib/store/ingest.ts');
  record = (fire) => recordFire({ ingest: ingestStore, retentionDays: 1, now: () => new Date() }, fire);
});

const users = ['ana', 'bob', '', null, undefined];
const ips = ['192.0.2.1', '2001:db8::1', null];
const targets = ['x', 'y', 'z', 1, '1', true, null, undefined, { a: 1, b: 2 }];

const drawnEvent = fc.record({
  pk: fc.uuid(),
  second: fc.integer({ min: 0, max: 45 }),
  shard: fc.integer({ min: 0, max: 3 }),
  action: fc.constantFrom('login_failed', 'login', 'custom_threshold_exceeded'),
  app: fc.constantFrom('authentik.core', 'idp-event-hub.rules', 'other'),
  user: fc.constantFrom(...users),
  ip: fc.constantFrom(...ips),
  target: fc.constantFrom(...targets),
});

/** Events in the core's order (created, then pk), each on one of 4 shards at a rising position. */
const streamOf = (maxLength: number) =>
  fc.uniqueArray(drawnEvent, { maxLength, selector: (e) => e.pk, size: 'max' }).map((drawn) =>
    drawn
      .map((e): StreamedEvent & { shardNumber: number } => ({
        shardNumber: e.shard,
        shard: `EV#${e.shard}`,
        position: '',
        event: {
          pk: e.pk,
          created: new Date(base + e.second * 1000).toISOString(),
          expires: new Date(base + 86_400_000).toISOString(),
          action: e.action,
          app: e.app,
          user: e.user === undefined ? {} : { username: e.user },
          client_ip: e.ip,
          context: e.target === undefined ? {} : { target: e.target },
          brand: {},
        } as Event,
      }))
      .sort((a, b) => Date.parse(a.event.created) - Date.parse(b.event.created) || (a.event.pk < b.event.pk ? -1 : 1))
      .map((streamed, i) => ({ ...streamed, position: String(1_000 + i) })),
  );

const ruleOf = fc
  .record({
    query: fc.constantFrom(
      'action = "login_failed"',
      'action in ("login_failed", "custom_threshold_exceeded")',
      'app = "authentik.core" or action = "login"',
    ),
    type: fc.constantFrom('event_count' as const, 'value_count' as const),
    group_by: fc.constantFrom([], ['user.username'], ['client_ip'], ['user.username', 'client_ip']),
    window: fc.integer({ min: 1, max: 40 }),
    threshold: fc.integer({ min: 1, max: 6 }),
    suppress_for: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
  })
  .map(
    (drawn): StoredDetectionRule => ({
      ...drawn,
      group_by: [...drawn.group_by],
      pk: randomUUID(),
      name: 'property',
      enabled: true,
      field: drawn.type === 'value_count' ? 'context.target' : null,
      severity: 'warning',
      version: 1,
    }),
  );

/** How the stream is delivered: batch sizes, which batches come again, which recordings crash. */
const deliveryOf = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }),
  again: fc.array(fc.constantFrom('none', 'whole', 'suffix'), { maxLength: 20 }),
  crashes: fc.array(fc.constantFrom('none', 'before', 'after'), { maxLength: 8 }),
});

const byTime = (a: RuleFire, b: RuleFire) =>
  a.window_end.localeCompare(b.window_end) || a.last_event.localeCompare(b.last_event);

/** Runs the stream through the live path as the stream would deliver it; the fires recorded. */
async function runLive(
  rule: StoredDetectionRule,
  stream: StreamedEvent[],
  delivery: { sizes: number[]; again: string[]; crashes: string[] },
): Promise<RuleFire[]> {
  const recorded: RuleFire[] = [];
  let calls = 0;
  const deps: LiveRuleDeps = {
    enabledRules: async () => [rule],
    states: store,
    async recordFire(fire) {
      const crash = delivery.crashes[calls++] ?? 'none';
      if (crash === 'before') throw new Error('crashed before recording');
      const stored = await record(fire);
      if (stored) recorded.push(fire.input.context as unknown as RuleFire);
      if (crash === 'after') throw new Error('crashed after recording');
      return stored;
    },
    log: quiet,
    now: () => new Date(base),
  };
  // As the event source mapping: a failed batch comes again until it passes.
  const deliver = async (batch: StreamedEvent[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await live.evaluateRulesLive(deps, batch);
      } catch (error) {
        if (attempt > 20) throw error;
      }
    }
  };
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const size = delivery.sizes[i % delivery.sizes.length] as number;
    const batch = stream.slice(at, at + size);
    at += size;
    await deliver(batch);
    const again = delivery.again[i] ?? 'none';
    if (again === 'whole') await deliver(batch);
    if (again === 'suffix') await deliver(batch.slice(Math.floor(batch.length / 2)));
  }
  return recorded;
}

const withoutRule = ({ rule: _rule, provenance: _provenance, ...fire }: RuleFire & Record<string, unknown>) => fire;

describe('the live path against the evaluation core', () => {
  it('records each fire of the core exactly once, whatever the batches, redeliveries and crashes', async () => {
    await fc.assert(
      fc.asyncProperty(ruleOf, streamOf(32), deliveryOf, async (rule, stream, delivery) => {
        const expected = evaluateRule(
          rule,
          stream.map((s) => s.event),
        ).sort(byTime);
        const recorded = (await runLive(rule, stream, delivery)).map(withoutRule).sort(byTime);
        expect(recorded).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('past what a state keeps whole, fires at the same events; count and samples from the newest kept', async () => {
    await fc.assert(
      fc.asyncProperty(ruleOf, streamOf(100), deliveryOf, async (rule, stream, delivery) => {
        const expected = evaluateRule(
          rule,
          stream.map((s) => s.event),
        ).sort(byTime);
        const recorded = (await runLive(rule, stream, { ...delivery, crashes: [] })).map(withoutRule).sort(byTime);
        const decision = ({ group, window_start, window_end, last_event }: RuleFire) => ({
          group,
          window_start,
          window_end,
          last_event,
        });
        expect(recorded.map(decision)).toEqual(expected.map(decision));
        const pks = new Set(stream.map((s) => s.event.pk));
        recorded.forEach((fire, i) => {
          expect(fire.count).toBeGreaterThanOrEqual(rule.threshold);
          expect(fire.count).toBeLessThanOrEqual((expected[i] as RuleFire).count);
          expect(fire.sample_events.every((pk) => pks.has(pk))).toBe(true);
        });
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
