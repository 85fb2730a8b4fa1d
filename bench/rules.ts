// Detection rules, live (issue 22 items 4 and 5): what counting costs per event, in process on
// the bench's table (the live path as the dispatcher runs it, fed stream batches of stored events:
// the bench's mix, and a 20 000-event burst against one user), for 1, 10 and 100 enabled rules; then,
// through a running service (real HTTP, the stream poller), the time from the event that crosses a
// threshold to its fire's event, and the ingest's answer time without and with 100 enabled rules.
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { engineClient } from '../infra/local/engine.ts';
import { type Event, newEvent } from '../lib/events/event.ts';
import type { StreamedEvent } from '../lib/rules/live.ts';
import type { StoredDetectionRule } from '../lib/rules/rule.ts';
import { call } from './burst-http.ts';
import { type Cell, percentile, printTable } from './report.ts';
import { mixActions, mixInput, random } from './scale-mix.ts';
import { startBenchService } from './service.ts';

const mixEvents = 5_000;
const burstEvents = 20_000;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type RuleFields = Omit<StoredDetectionRule, 'pk' | 'name' | 'enabled' | 'version' | 'severity'>;

/** The brute-force rule first, distinct accounts per address second, then rules over the mix's actions. */
function ruleFields(count: number): RuleFields[] {
  const groupings = [['user.username'], ['client_ip'], ['user.username', 'client_ip'], []];
  const fields: RuleFields[] = [
    {
      query: 'action = "login_failed"',
      type: 'event_count',
      field: null,
      group_by: ['user.username'],
      window: 600,
      threshold: 10,
      suppress_for: 600,
    },
    {
      query: 'action = "login_failed"',
      type: 'value_count',
      field: 'user.username',
      group_by: ['client_ip'],
      window: 3600,
      threshold: 20,
      suppress_for: 3600,
    },
  ];
  for (let i = 0; fields.length < count; i++) {
    fields.push({
      query: `action = "${mixActions[i % mixActions.length]}"`,
      type: 'event_count',
      field: null,
      group_by: groupings[i % groupings.length] as string[],
      window: [60, 600, 3600][i % 3] as number,
      threshold: 5 + (i % 4) * 5,
      suppress_for: 600,
    });
  }
  return fields.slice(0, count);
}

const storedRules = (count: number): StoredDetectionRule[] =>
  ruleFields(count).map((fields, i) => ({
    ...fields,
    pk: randomUUID(),
    name: `bench rule ${i}`,
    enabled: true,
    severity: 'warning',
    version: 1,
  }));

/** Events as the stream delivers them: each on its event shard, at a rising position. */
function streamed(events: Event[]): StreamedEvent[] {
  return events.map((event, i) => ({
    event,
    shard: `EV#${Number.parseInt(event.pk.slice(-2), 16) % 16}`,
    position: String(1_000_000 + i),
  }));
}

function mixStream(count: number): StreamedEvent[] {
  const rng = random(22);
  const start = Date.now();
  // 100 events a second of created time, a tenth of them the hot actor's.
  return streamed(
    Array.from({ length: count }, (_, n) => newEvent(mixInput(rng, rng() < 0.1, n), new Date(start + n * 10), 30)),
  );
}

function burstStream(count: number): StreamedEvent[] {
  const rng = random(23);
  const start = Date.now();
  // 10 000 a second against one user, from many addresses: the brute-force case.
  return streamed(
    Array.from({ length: count }, (_, n) => {
      const input = mixInput(rng, true, n);
      return newEvent({ ...input, action: 'login_failed' }, new Date(start + n / 10), 30);
    }),
  );
}

async function costFigures() {
  const { meter } = await import('./store.ts');
  const { evaluateRulesLive } = await import('../lib/rules/live.ts');
  const { ruleStateStore } = await import('../lib/store/rule-states.ts');
  const { recordFire } = await import('../lib/rules/fires.ts');
  const { ingestStore } = await import('../lib/store/ingest.ts');
  const fireDeps = { ingest: ingestStore, retentionDays: 30, now: () => new Date() };
  const rows: Cell[][] = [];
  for (const [label, stream] of [
    ['mix', mixStream(mixEvents)],
    ['burst, one user', burstStream(burstEvents)],
  ] as const) {
    for (const ruleCount of [1, 10, 100]) {
      for (const batchSize of [100, 10]) {
        // The burst in AWS's batches of 10 with 100 rules is the 1-rule figure again and slow here.
        if (label !== 'mix' && batchSize === 10 && ruleCount > 1) continue;
        const rules = storedRules(ruleCount);
        let fires = 0;
        const deps = {
          enabledRules: async () => rules,
          states: ruleStateStore,
          recordFire: (fire: Parameters<typeof recordFire>[1]) => recordFire(fireDeps, fire),
          log: quiet,
          now: () => new Date(),
        };
        const started = performance.now();
        const { usage } = await meter.measure(async () => {
          for (let at = 0; at < stream.length; at += batchSize) {
            fires += (await evaluateRulesLive(deps, stream.slice(at, at + batchSize))).fires.length;
          }
        });
        const seconds = (performance.now() - started) / 1000;
        const statePuts = usage.byCommand.get('PutItem') ?? 0;
        rows.push([
          label,
          ruleCount,
          batchSize,
          stream.length,
          fires,
          usage.writes / stream.length,
          statePuts / stream.length,
          (usage.writes - statePuts) / stream.length,
          usage.reads / stream.length,
          Math.round(stream.length / seconds),
        ]);
      }
    }
  }
  printTable(
    'Counting cost per event (in process, DynamoDB Local; the event ingest itself not included)',
    ['stream', 'rules', 'batch', 'events', 'fires', 'WCU/event', 'state WCU', 'fire WCU', 'RCU/event', 'events/s'],
    rows,
  );
  console.log(
    "state WCU: the group states (PutItem, incl. clearing a recorded fire); fire WCU: the fires' events with their claims (ingest transactions).",
  );
}

async function serviceFigures(endpoint: string) {
  const service = await startBenchService(endpoint, { LOCAL_CAPACITY_HEADER: '1' });
  try {
    const post = (json: unknown) => call(service, '/events/events/', { method: 'POST', json });
    const ingestTimes = async (n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++)
        times.push((await post({ action: 'custom_probe', app: 'bench', user: { username: `p${i}` } })).ms);
      return times;
    };
    await ingestTimes(50); // warm: the functions' first imports are not what is compared
    const before = await ingestTimes(200);

    const created = await call(service, '/rules/', {
      method: 'POST',
      json: {
        name: 'bench latency',
        query: 'app = "bench-latency"',
        type: 'event_count',
        group_by: ['user.username'],
        window: 600,
        threshold: 3,
      },
    });
    if (created.status !== 201) throw new Error(`rule not created: ${JSON.stringify(created.body)}`);
    // A rule applies to the events ingested 5 s after it is written (RULE_CACHE_MS, 1 s, per container).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const recorded: number[] = [];
    const seen: number[] = [];
    for (let trial = 0; trial < 60; trial++) {
      const username = `latency-${trial}`;
      const event = { action: 'login_failed', app: 'bench-latency', user: { username } };
      await post(event);
      await post(event);
      const crossing = await post(event);
      const answeredAt = performance.now();
      const crossingCreated = Date.parse((crossing.body as { created: string }).created);
      for (;;) {
        // The newest fires, the one of this user among them (the list's action filter alone).
        const found = await call(service, '/events/events/?action=custom_threshold_exceeded&page_size=10');
        const fire = (found.body as { results: { created: string; user: { username?: string } }[] }).results.find(
          (listed) => listed.user.username === username,
        );
        if (fire) {
          seen.push(performance.now() - answeredAt);
          recorded.push(Date.parse(fire.created) - crossingCreated);
          break;
        }
        if (performance.now() - answeredAt > 30_000) throw new Error(`no fire for ${username} in 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    for (const [i, fields] of ruleFields(100).entries()) {
      const answer = await call(service, '/rules/', { method: 'POST', json: { name: `bench ${i}`, ...fields } });
      if (answer.status !== 201) throw new Error(`rule not created: ${JSON.stringify(answer.body)}`);
    }
    const after = await ingestTimes(200);

    const row = (label: string, values: number[]): Cell[] => [
      label,
      values.length,
      percentile(values, 50),
      percentile(values, 99),
      Math.max(...values),
    ];
    printTable(
      'Through the service (real HTTP, the stream poller; ms)',
      ['what', 'n', 'p50', 'p99', 'max'],
      [
        row('crossing event created → fire created', recorded),
        row('crossing event answered → fire listed', seen),
        row('POST /events/events/, no rule enabled', before),
        row('POST /events/events/, 101 rules enabled', after),
      ],
    );
  } finally {
    if (service.errors.length > 0)
      console.log(`service errors: ${service.errors.length} lines, first: ${service.errors[0]}`);
    await service.stop();
    // Its table's stream would slow every write of the in-process figures after it.
    const client = engineClient(endpoint);
    await client.send(new DeleteTableCommand({ TableName: service.tableName })).catch(() => undefined);
    client.destroy();
  }
}

export async function ruleFigures(endpoint: string): Promise<void> {
  // The service first, on an engine holding no other busy table with a stream (DynamoDB Local slows down then).
  await serviceFigures(endpoint);
  await costFigures();
}
