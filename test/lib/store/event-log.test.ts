// The event log against DynamoDB Local: counts and pages agree with a brute-force reading of
// the same events, before and after the seal, across month/day/hour/minute and shard edges,
// with expiry before and after, each term alone and combined, and under a repeated seal.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Event, eventActor, eventPerson, newEvent } from '../../../lib/events/event.ts';
import type { EventLog, EventLogQuery, LogOrder } from '../../../lib/events/event-log.ts';
import { actorPersonOf, actorPersonTerm, eventTerms, modelPkTerm, type Term } from '../../../lib/events/terms.ts';
import { useFreshTable } from '../../helpers/table.ts';

let log: EventLog;
let store: typeof import('../../../lib/store/events.ts').eventStore;
let seal: typeof import('../../../lib/store/seal.ts');
let makeLog: typeof import('../../../lib/store/event-log.ts').eventLog;
let documents: typeof import('../../../lib/store/client.ts').documents;
let tableName: string;

beforeAll(async () => {
  tableName = await useFreshTable();
  ({ eventStore: store } = await import('../../../lib/store/events.ts'));
  seal = await import('../../../lib/store/seal.ts');
  ({ eventLog: makeLog } = await import('../../../lib/store/event-log.ts'));
  ({ documents } = await import('../../../lib/store/client.ts'));
  log = makeLog({ readBudget: 1000, now: () => nowMs });
});

// The log's clock: 20 s into a minute that starts within the next minute, so that events can
// expire inside the current minute (the case the rollups cannot decide alone and read).
const nowMs = Math.ceil(Date.now() / 60_000) * 60_000 + 20_000;

const tag = randomUUID().slice(0, 8);
const actions = ['login', 'login_failed', 'logout'] as const;
const brands = [`brand-a-${tag}`, `brand-b-${tag}`];
const users = [`ann-${tag}`, `bob-${tag}`, `cy-${tag}`];

// Times around month, day, hour and minute edges, several events per millisecond-distinct instant.
const edges = [
  '2025-12-31T23:59:58.000Z',
  '2026-01-31T23:59:59.500Z',
  '2026-02-01T00:00:00.250Z',
  '2026-02-01T00:59:59.900Z',
];
const busyMinute = Date.parse('2026-02-02T12:30:00Z');
const seeded: Event[] = [];

function seed() {
  let i = 0;
  const at = (ms: number, expires?: string) => {
    const n = i++;
    const input = {
      action: actions[n % 3] as string,
      app: 'authentik.core',
      user: { username: users[n % 3], pk: `p-${n % 3}-${tag}` },
      brand: { name: brands[n % 2] },
      client_ip: `192.0.2.${n % 4}`,
      context: {
        ...(n % 5 === 0 && { model: { app: 'authentik_core', model_name: 'user', pk: `m-${n % 2}-${tag}` } }),
        // Some events are about another person than their user: a sparse actor and person pair.
        ...(n % 7 === 0 && { person_id: `p-x-${tag}` }),
      },
      ...(expires && { expires }),
    };
    seeded.push(newEvent(input, new Date(ms), 365 * 3));
  };
  for (const edge of edges) for (let k = -3; k < 4; k++) at(Date.parse(edge) + k * 700);
  // A day and an hour later, more, so the months, days and hours hold several buckets.
  for (let k = 0; k < 12; k++) at(Date.parse('2026-02-02T10:15:00Z') + k * 61_000);
  // One busy minute: more than `listedAbove` events of most terms, so offsets inside it are
  // found from the minute's listing (model pks stay below it and are skipped by reading).
  for (let k = 0; k < 40; k++) at(busyMinute + 5_000 + k * 1_000);
  // Already expired, and expiring during the test (within the current minute).
  at(Date.parse('2026-02-02T11:00:00Z'), new Date(nowMs - 120_000).toISOString());
  at(Date.parse('2026-02-02T11:00:01Z'), new Date(nowMs - 1_000).toISOString());
  at(Date.parse('2026-02-02T11:00:02Z'), new Date(nowMs + 4_000).toISOString());
  at(Date.parse('2026-02-02T11:00:03Z'), new Date(nowMs + 3_600_000).toISOString());
}

/** What a brute-force reading answers: matching live events, newest (or oldest) first. */
function expected(terms: readonly Term[], check: ((e: Event) => boolean) | undefined, order: LogOrder) {
  const pairs = terms.filter((t) => t.kind === 'actor_person').map(actorPersonOf);
  const has = (event: Event) =>
    eventTerms(event).some((t) => terms.some((wanted) => wanted.kind === t.kind && wanted.value === t.value)) ||
    pairs.some(([actor, person]) => eventActor(event) === actor && eventPerson(event) === person);
  const live = seeded.filter((e) => Math.floor(Date.parse(e.expires) / 1000) > Math.floor(nowMs / 1000));
  const found = live.filter((e) => has(e) && (!check || check(e))).map((e) => e.pk);
  found.sort();
  return order === 'newest' ? found.reverse() : found;
}

const range = { from: 0, to: Date.parse('2027-01-01T00:00:00Z') };

const filters: [string, Term[], ((e: Event) => boolean)?][] = [
  ['all', [{ kind: 'all', value: '' }]],
  ['action', [{ kind: 'action', value: 'login' }]],
  [
    'actions',
    [
      { kind: 'action', value: 'login' },
      { kind: 'action', value: 'logout' },
    ],
  ],
  ['actor', [{ kind: 'actor', value: users[1] as string }]],
  ['person', [{ kind: 'person', value: `p-2-${tag}` }]],
  ['brand', [{ kind: 'brand', value: brands[0] as string }]],
  ['client_ip', [{ kind: 'client_ip', value: '192.0.2.3' }]],
  ['model_pk', [{ kind: 'model_pk', value: modelPkTerm(`m-0-${tag}`) }]],
  ['model_name', [{ kind: 'model_name', value: 'user' }]],
  ['actor and person, a dense pair', [actorPersonTerm(users[1] as string, `p-1-${tag}`)]],
  ['actor and person, a sparse pair', [actorPersonTerm(users[0] as string, `p-x-${tag}`)]],
  ['actor + action (checked)', [{ kind: 'actor', value: users[0] as string }], (e) => e.action === 'login'],
  ['brand + person (checked)', [{ kind: 'brand', value: brands[1] as string }], (e) => eventPerson(e) === `p-1-${tag}`],
];

async function everyPage(query: Omit<EventLogQuery, 'offset' | 'limit'>, size: number) {
  const first = await log.find({ ...query, offset: 0, limit: size });
  const all = [...first.events];
  for (let offset = size; offset < first.count; offset += size) {
    const page = await log.find({ ...query, offset, limit: size });
    expect(page.count).toBe(first.count);
    all.push(...page.events);
  }
  return { count: first.count, estimated: first.estimated, pks: all.map((e) => e.pk) };
}

async function agreeWithBruteForce(label: string) {
  // The tag keeps other tests' events out of `all`: only this file writes to its table.
  for (const [name, terms, check] of filters) {
    for (const order of ['newest', 'oldest'] as const) {
      for (const size of [3]) {
        const got = await everyPage({ terms, range, order, ...(check && { check }) }, size);
        const want = expected(terms, check, order);
        expect(want.length, `${name} finds events`).toBeGreaterThan(0);
        expect(got.pks, `${label} ${name} ${order} ${size}`).toEqual(want);
        expect(got.count, `${label} ${name} ${order} ${size}`).toBe(want.length);
        expect(got.estimated).toBe(false);
      }
    }
  }
}

async function rangesAgree(label: string) {
  const terms: Term[] = [{ kind: 'all', value: '' }];
  const cuts = [
    ['2026-01-31T23:59:59.000Z', '2026-02-01T00:00:00.500Z'],
    ['2025-12-31T23:59:57.900Z', '2026-02-01T00:59:59.950Z'],
    ['2026-02-01T00:00:00.000Z', '2026-02-02T10:20:30.000Z'],
    ['2026-02-02T10:15:00.000Z', '2026-02-02T11:00:00.000Z'],
  ];
  for (const [from, to] of cuts) {
    const r = { from: Date.parse(from as string), to: Date.parse(to as string) };
    const want = expected(terms, (e) => Date.parse(e.created) >= r.from && Date.parse(e.created) < r.to, 'newest');
    const got = await everyPage({ terms, range: r, order: 'newest' }, 3);
    expect(got.pks, `${label} ${from}..${to}`).toEqual(want);
    expect((await log.count(terms, r)).count).toBe(want.length);
  }
}

/** Every item of the table but the seal mark, in key order. */
async function itemsBesideTheMark() {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).filter((item) => item.pk !== 'SEAL'));
    start = page.LastEvaluatedKey;
  } while (start);
  const key = (item: Record<string, unknown>) => `${item.pk} ${item.sk}`;
  return items.sort((a, b) => key(a).localeCompare(key(b)));
}

describe('event log', () => {
  it('agrees with a brute-force reading before the seal, after it, and after sealing again', async () => {
    seed();
    await store.putMany(seeded);
    await agreeWithBruteForce('unsealed');
    await rangesAgree('unsealed');

    const sealed = await seal.sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 100_000 });
    expect(sealed).toBeGreaterThan(0);
    // The seal records each action once, so `action` (a substring) knows what it can match.
    expect((await log.actionsSeen()).sort()).toEqual([...actions].sort());
    await agreeWithBruteForce('sealed');
    await rangesAgree('sealed');

    // A seal that crashed after its rollups but before its mark runs the same minutes again: it
    // changes no item but the mark (so every count and page stays as read above).
    const sealedItems = await itemsBesideTheMark();
    await documents.send(
      new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
        TableName: tableName,
        Key: { pk: 'SEAL', sk: 'SEAL' },
        UpdateExpression: 'SET through = :t, stable = :t',
        ExpressionAttributeValues: { ':t': Math.floor(Date.parse(edges[0] as string) / 60_000) - 5 },
      }),
    );
    await seal.sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 100_000 });
    expect(await itemsBesideTheMark()).toEqual(sealedItems);

    // DynamoDB's TTL sweep, late: the expired items go; nothing served or counted changes.
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { eventKey } = await import('../../../lib/store/event-keys.ts');
    for (const event of seeded.filter((e) => Date.parse(e.expires) <= nowMs)) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: eventKey(event.pk) }));
    }
    await agreeWithBruteForce('after the TTL sweep');
  }, 420_000);

  it('reads counts from the rollups, not the events, once sealed', async () => {
    // With no budget for reading events, a sealed single-term count is still exact.
    const tight = makeLog({ readBudget: 0, now: () => nowMs });
    const terms: Term[] = [{ kind: 'actor', value: users[2] as string }];
    const to = Date.parse('2026-02-02T11:00:00Z');
    const want = expected(terms, (e) => Date.parse(e.created) < to, 'newest');
    expect(await tight.count(terms, { from: 0, to })).toEqual({ count: want.length, estimated: false });
  });

  it('starts a page inside a busy sealed minute from its listing, reading no events to skip', async () => {
    // A budget of 2 refuses any skip read of more than 2 events: only the listing reaches these pages.
    const tight = makeLog({ readBudget: 2, now: () => nowMs });
    const busy = (e: Event) => Date.parse(e.created) >= busyMinute && Date.parse(e.created) < busyMinute + 60_000;
    const cases: [string, Term[]][] = [
      ['all', [{ kind: 'all', value: '' }]],
      ['actor', [{ kind: 'actor', value: users[1] as string }]],
      ['actor and person', [actorPersonTerm(users[1] as string, `p-1-${tag}`)]],
      // No index: its pages come from the listings by id.
      ['brand', [{ kind: 'brand', value: brands[1] as string }]],
      [
        'actions',
        [
          { kind: 'action', value: 'login' },
          { kind: 'action', value: 'logout' },
        ],
      ],
    ];
    for (const [name, terms] of cases) {
      for (const order of ['newest', 'oldest'] as const) {
        const want = expected(terms, undefined, order);
        const inBusy = want
          .map((pk, i) => ({ pk, i }))
          .filter(({ pk }) => busy(seeded.find((e) => e.pk === pk) as Event));
        expect(inBusy.length, name).toBeGreaterThan(8);
        for (const { i } of inBusy.filter((_, k) => k > 2 && k % 3 === 0)) {
          // Pages within the minute and pages running past its end into the next events.
          for (const limit of [2, 10, 30]) {
            const page = await tight.find({ terms, range, order, offset: i, limit });
            expect(
              page.events.map((e) => e.pk),
              `${name} ${order} ${i} ${limit}`,
            ).toEqual(want.slice(i, i + limit));
          }
        }
      }
    }
    // Without the listing (a term with too few events in the minute), the same skip is refused.
    const small: Term[] = [{ kind: 'model_pk', value: modelPkTerm(`m-0-${tag}`) }];
    const want = expected(small, undefined, 'newest');
    await expect(tight.find({ terms: small, range, order: 'newest', offset: 3, limit: 1 })).rejects.toMatchObject({
      code: 'page.tooDeep',
    });
    expect(want.length).toBeGreaterThan(3);
  });

  it('estimates a count past the budget, flags it, and refuses a page it cannot reach', async () => {
    const small = makeLog({ readBudget: 8, now: () => nowMs });
    const check = (e: Event) => e.action === 'login' && eventActor(e) !== undefined;
    const query = { terms: [{ kind: 'all', value: '' }] as Term[], range, order: 'newest' as const, check };
    const first = await small.find({ ...query, offset: 0, limit: 1 });
    const want = expected(query.terms, check, 'newest');
    expect(first.events.map((e) => e.pk)).toEqual(want.slice(0, 1));
    expect(first.estimated).toBe(true);
    // The checked share of what was read, applied to the exact count of `all`.
    expect(first.count).toBeGreaterThan(0);
    expect(first.count).toBeLessThanOrEqual(expected(query.terms, undefined, 'newest').length);
    await expect(small.find({ ...query, offset: 40, limit: 1 })).rejects.toMatchObject({ code: 'page.tooDeep' });
  });
});
