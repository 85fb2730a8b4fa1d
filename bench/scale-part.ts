// One part of the scale bench, in a child process of its own: the store reads TABLE_NAME at
// import, so each size gets a fresh table in a fresh process (bench/scale.ts starts them).
//   node --import tsx bench/scale-part.ts '<json PartOptions>'
// Seeds the mix through eventStore.putMany, seals it (sealMinutes until it returns 0), waits
// for readers to trust the seal, then measures every pattern and checks each answer against
// the seeded events. Writes its figures as JSON to `out` and deletes its table.
import { writeFileSync } from 'node:fs';
import { CreateTableCommand, DeleteTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { engineClient } from '../infra/local/engine.ts';
import type { Event } from '../lib/events/event.ts';
import type { EventLog } from '../lib/events/event-log.ts';
import { eventTerms } from '../lib/events/terms.ts';
import { createTableInput } from '../lib/store/table.ts';
import type { Usage } from './capacity.ts';
import type {
  BurstFigures,
  KeyShare,
  PartOptions,
  PatternFigures,
  ProbeFigures,
  SizeFigures,
  UsageFigures,
} from './scale-figures.ts';
import {
  authorizedApps,
  brands,
  hotActor,
  ipPool,
  type Meta,
  metaOf,
  mixActions,
  mixEvents,
  modelPks,
  termKey,
  users,
} from './scale-mix.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as PartOptions;
const endpoint = process.env.DYNAMODB_ENDPOINT as string;
const table = process.env.TABLE_NAME as string;
if (!endpoint || !table) throw new Error('scale-part needs DYNAMODB_ENDPOINT and TABLE_NAME');
// The table as ensureTable creates it, but without its stream: DynamoDB Local keeps every
// stream record in SQLite and looks the stream up again on each write, so with a stream a
// table slows down as records pile up (a second 4 000-event seed took 6× the first). Nothing
// here reads the stream, and a stream costs no write units; TTL is not needed either.
{
  const { StreamSpecification: _, ...input } = createTableInput(table);
  const client = engineClient(endpoint);
  await client.send(new CreateTableCommand(input));
  client.destroy();
}

const { meter } = await import('./store.ts');
const { eventStore, eventItem } = await import('../lib/store/events.ts');
const { sealMinutes } = await import('../lib/store/seal.ts');
const { sealLive } = await import('../lib/store/live-seal.ts');
const { eventLog } = await import('../lib/store/event-log.ts');
const { listEvents } = await import('../lib/events/event-list.ts');
const { eventListQuery } = await import('../lib/events/event-list-query.ts');
const { searchEventsBySubject, subjectSearchQuery } = await import('../lib/events/onegini-search.ts');
const analytics = await import('../lib/events/analytics.ts');
const { tallies } = await import('../lib/store/analytics.ts');
const { termIndexes } = await import('../lib/store/event-keys.ts');

const dayMs = 86_400_000;
const minuteMs = 60_000;

const plain = (usage: Usage): UsageFigures => ({
  reads: usage.reads,
  writes: usage.writes,
  total: usage.total,
  requests: Object.fromEntries(usage.requests),
  byTarget: Object.fromEntries(usage.byTarget),
  byItem: Object.fromEntries(usage.byItem),
});

/** Writes batches with `concurrency` writers, each through eventStore.putMany. */
async function writeAll(batches: Iterable<Event[]>, concurrency: number, keep: (event: Event) => void) {
  const iterator = batches[Symbol.iterator]();
  const writer = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      for (const event of next.value) keep(event);
      await eventStore.putMany(next.value);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
}

/** Seals until nothing is left; returns what each run sealed. Progress goes to stderr. */
async function sealAll() {
  // The seal mark read on a client of its own, so the meter does not count it.
  const peek = engineClient(endpoint);
  const started = Date.now();
  const progress = setInterval(async () => {
    const { Item } = await peek
      .send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'SEAL' }, sk: { S: 'SEAL' } } }))
      .catch(() => ({ Item: undefined }));
    const through = Item?.through?.N;
    if (through)
      console.error(
        `[scale ${options.part} ${options.count}] sealing: through ${new Date((Number(through) + 1) * minuteMs).toISOString()} after ${Math.round((Date.now() - started) / 1000)} s`,
      );
  }, 60_000);
  try {
    const runs: number[] = [];
    for (;;) {
      const sealed = await sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 10_000_000 });
      runs.push(sealed);
      if (sealed === 0) return runs;
    }
  } finally {
    clearInterval(progress);
    peek.destroy();
  }
}

const median3 = async (run: () => Promise<unknown>, first: number) => {
  const times = [first];
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    await run().catch(() => undefined);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[1] as number;
};

/** What is wrong with an answer, or null: an error, a count that is not the seeded one (unless flagged), another page. */
function verdict(
  a: { error: unknown; count: number; estimated?: boolean; expected: number; got: unknown[]; want: unknown[] },
  countName: string,
): string | null {
  if (a.error) return `error: ${(a.error as Error).message}`;
  if (a.count !== a.expected && !a.estimated) return `${countName} ${a.count}, expected ${a.expected}`;
  if (a.got.join() !== a.want.join()) {
    return `page differs (${a.got.filter((id, i) => id !== a.want[i]).length} of ${a.want.length} ids)`;
  }
  return null;
}

/** One request, metered: its answer or error, its capacity, and the median of three timings. */
async function measured<T>(run: () => Promise<T>) {
  const started = performance.now();
  let answer: T | undefined;
  let error: unknown;
  const { usage } = await meter.measure(async () => {
    try {
      answer = await run();
    } catch (e) {
      error = e;
    }
  });
  const ms = await median3(run, performance.now() - started);
  return { answer, error, usage, ms };
}

async function sizePart(): Promise<SizeFigures> {
  const nowMs = options.anchorMs;
  const metas: Meta[] = [];
  const seedStarted = performance.now();
  const seeded = await meter.measure(() =>
    writeAll(
      mixEvents({
        seed: options.seed,
        count: options.count,
        hotCount: options.hotCount,
        fromMs: nowMs - 300 * dayMs,
        toMs: nowMs - 20 * minuteMs,
        minutes: options.minutes,
        batch: 250,
      }),
      6,
      (event) => metas.push(metaOf(event)),
    ),
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.error(`[scale ${options.part} ${options.count}] seeded in ${seedSeconds.toFixed(0)} s`);

  const sealStarted = performance.now();
  const sealed = await meter.measure(sealAll);
  const sealSeconds = (performance.now() - sealStarted) / 1000;
  console.error(`[scale ${options.part} ${options.count}] sealed in ${sealSeconds.toFixed(0)} s`);
  await new Promise((resolve) => setTimeout(resolve, 6_000));

  metas.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const patterns = await measurePatterns(metas, nowMs);
  return {
    part: 'size',
    count: options.count,
    hotCount: options.hotCount,
    seedSeconds,
    seedUsage: plain(seeded.usage),
    sealSeconds,
    sealUsage: plain(sealed.usage),
    sealRuns: sealed.value,
    eventMinutes: new Set(metas.map((m) => Math.floor(m.ms / minuteMs))).size,
    patterns,
  };
}

/** The seeded events a pattern must answer, in id order (ascending), within a window or not. */
type Matches = (window: { from: number; to: number } | null) => Meta[];

/** Where a row's request was made: the pattern's dialect, filter, window, ordering and page. */
type PatternAt = Pick<PatternFigures, 'dialect' | 'filter' | 'window' | 'ordering' | 'at' | 'position'>;

/** One pattern's row: the request as measured (`shown`: the body its bytes count), the answer as checked. */
function patternRow(
  at: PatternAt,
  request: { usage: Usage; ms: number; shown: unknown; estimated: boolean | undefined },
  answer: Pick<PatternFigures, 'results' | 'count' | 'expectedCount' | 'wrong'>,
): PatternFigures {
  return {
    ...at,
    rcu: request.usage.total,
    requests: [...request.usage.requests.values()].reduce((a, b) => a + b, 0),
    ms: request.ms,
    bytes: request.shown === undefined ? 0 : Buffer.byteLength(JSON.stringify(request.shown)),
    results: answer.results,
    count: answer.count,
    expectedCount: answer.expectedCount,
    estimated: request.estimated ?? false,
    wrong: answer.wrong,
  };
}

async function measurePatterns(metas: Meta[], nowMs: number): Promise<PatternFigures[]> {
  const log = eventLog({ readBudget: 1000 });
  // Warm up: module code, connections, the seal mark.
  await listEvents(log, eventListQuery.parse({ page_size: '100' }));
  const figures = await listPatterns(log, metas, nowMs);
  figures.push(...(await subjectPatterns(log, metas)));
  figures.push(...(await analyticsPatterns(log)));
  return figures;
}

/** The seeded events having a term key (`has`), any of several (`any`), or all of them. */
const matchers = (metas: Meta[]) => {
  const inWindow = (m: Meta, window: { from: number; to: number } | null) =>
    !window || (m.ms >= window.from && m.ms < window.to);
  return {
    has: (key: string) => (window: { from: number; to: number } | null) =>
      metas.filter((m) => m.terms.has(key) && inWindow(m, window)),
    any:
      (...keys: string[]) =>
      (window: { from: number; to: number } | null) =>
        metas.filter((m) => keys.some((k) => m.terms.has(k)) && inWindow(m, window)),
    all: (window: { from: number; to: number } | null) => metas.filter((m) => inWindow(m, window)),
  };
};

/** The list's filters, each with its query and the seeded events it matches. */
function listFilters(metas: Meta[]): [string, Record<string, string>, Matches][] {
  const { has, any, all } = matchers(metas);
  const [first = '', second = ''] = mixActions;
  const user = users[1]?.username ?? '';
  const modelPk = modelPks[0] ?? '';
  return [
    ['none', {}, all],
    // `action` is authentik 2026.8's case-insensitive substring: `login` finds `login_failed` too.
    [
      'action',
      { action: first },
      any(...mixActions.filter((a) => a.toLowerCase().includes(first.toLowerCase())).map((a) => termKey('action', a))),
    ],
    ['actions', { actions: `${first},${second}` }, any(termKey('action', first), termKey('action', second))],
    ['username', { username: user }, has(termKey('actor', user))],
    ['brand_name', { brand_name: brands[0]?.name ?? '' }, has(termKey('brand', brands[0]?.name ?? ''))],
    ['context_model_app', { context_model_app: 'authentik_core' }, has(termKey('model_app', 'authentik_core'))],
    ['context_model_name', { context_model_name: 'user' }, has(termKey('model_name', 'user'))],
    ['context_model_pk', { context_model_pk: modelPk }, has(termKey('model_pk', modelPk.replaceAll('-', '')))],
    [
      'context_authorized_app',
      { context_authorized_app: authorizedApps[0]?.pk ?? '' },
      has(termKey('authorized_app', authorizedApps[0]?.pk ?? '')),
    ],
    ['client_ip', { client_ip: ipPool[0] ?? '' }, has(termKey('client_ip', ipPool[0] ?? ''))],
  ];
}

/** authentik's list: each filter, without and with a window, in both orders, its first and last page. */
async function listPatterns(log: EventLog, metas: Meta[], nowMs: number): Promise<PatternFigures[]> {
  // A 30-day window in the middle of the 300 days, cutting through minutes as a user's would.
  const window = { from: nowMs - 165 * dayMs + 12_345, to: nowMs - 135 * dayMs + 54_321 };
  const windowQuery = {
    created__gte: new Date(window.from).toISOString(),
    created__lt: new Date(window.to).toISOString(),
  };
  const figures: PatternFigures[] = [];
  for (const [filter, query, matches] of listFilters(metas)) {
    for (const windowed of [false, true]) {
      for (const ordering of ['default', 'created'] as const) {
        const expected = matches(windowed ? window : null);
        if (ordering === 'default') expected.reverse();
        const base = {
          ...query,
          ...(windowed && windowQuery),
          ...(ordering === 'created' && { ordering: 'created' }),
          page_size: '100',
        };
        const run = (page: number) => listEvents(log, eventListQuery.parse({ ...base, page: String(page) }));
        let lastPage = 1;
        for (const at of ['page 1', 'last page'] as const) {
          const page = at === 'page 1' ? 1 : lastPage;
          const { answer, error, usage, ms } = await measured(() => run(page));
          const results = answer?.page.results ?? [];
          const count = answer?.page.pagination.count ?? -1;
          if (at === 'page 1') lastPage = answer?.page.pagination.total_pages ?? 1;
          const want = expected.slice((page - 1) * 100, page * 100).map((m) => m.id);
          const got = results.map((e) => e.pk);
          const wrong = verdict(
            { error, count, estimated: answer?.estimated, expected: expected.length, got, want },
            'count',
          );
          figures.push(
            patternRow(
              { dialect: 'authentik', filter, window: windowed, ordering, at, position: page },
              { usage, ms, shown: answer?.page, estimated: answer?.estimated },
              { results: results.length, count, expectedCount: expected.length, wrong },
            ),
          );
        }
      }
    }
    console.error(`[scale ${options.part} ${options.count}] authentik ${filter} measured`);
  }
  return figures;
}

/** Onegini's search: the hot actor, its person, and both, at three offsets. */
async function subjectPatterns(log: EventLog, metas: Meta[]): Promise<PatternFigures[]> {
  const { has } = matchers(metas);
  const person = String(hotActor.pk);
  const subjects: [string, Record<string, string>, Meta[]][] = [
    ['actor', { actor: hotActor.username }, has(termKey('actor', hotActor.username))(null)],
    ['userId', { userId: person }, has(termKey('person', person))(null)],
    [
      'actor+userId',
      { actor: hotActor.username, userId: person },
      metas.filter((m) => m.terms.has(termKey('actor', hotActor.username)) && m.terms.has(termKey('person', person))),
    ],
  ];
  const figures: PatternFigures[] = [];
  for (const [filter, query, matching] of subjects) {
    const expected = [...matching].reverse();
    for (const asked of [0, 1000, 99_950]) {
      const offset = Math.max(0, Math.min(asked, expected.length - 50));
      const run = () =>
        searchEventsBySubject(log, subjectSearchQuery.parse({ ...query, limit: '50', offset: String(offset) }));
      const { answer, error, usage, ms } = await measured(run);
      const got = answer?.body.resultSet.map((e) => e.event_identifier) ?? [];
      const want = expected.slice(offset, offset + 50).map((m) => m.id);
      const count = answer?.body.pagination.totalResults ?? -1;
      const wrong = verdict(
        { error, count, estimated: answer?.estimated, expected: expected.length, got, want },
        'totalResults',
      );
      const at = `offset ${asked === offset ? asked : `${asked}→${offset}`}`;
      figures.push(
        patternRow(
          { dialect: 'onegini', filter, window: false, ordering: 'default', at, position: offset },
          { usage, ms, shown: answer?.body, estimated: answer?.estimated },
          { results: got.length, count, expectedCount: expected.length, wrong },
        ),
      );
    }
  }
  return figures;
}

/**
 * The analytics routes (issue 12): their cost next to the table size, not their answers
 * (test/functions/events-analytics.test.ts checks those).
 */
async function analyticsPatterns(log: EventLog): Promise<PatternFigures[]> {
  const deps = { log, tallies, readBudget: 1000 };
  const routes: [string, () => Promise<{ body: unknown; estimated: boolean }>][] = [
    ['volume/ history_days=60', () => analytics.eventVolume(deps, analytics.volumeQuery.parse({ history_days: '60' }))],
    [
      'stats/ count_steps=days=30,weeks=40',
      () => analytics.eventStats(deps, analytics.statsQuery.parse({ count_steps: 'days=30,weeks=40' })),
    ],
    ['top_per_user/', () => analytics.topPerUser(deps, analytics.topPerUserQuery.parse({}))],
  ];
  const figures: PatternFigures[] = [];
  for (const [filter, run] of routes) {
    const { answer, error, usage, ms } = await measured(run);
    const results = Array.isArray(answer?.body) ? answer.body.length : answer ? 1 : 0;
    figures.push(
      patternRow(
        { dialect: 'authentik', filter, window: false, ordering: 'default', at: 'analytics', position: 0 },
        { usage, ms, shown: answer?.body, estimated: answer?.estimated },
        { results, count: results, expectedCount: results, wrong: error ? `error: ${(error as Error).message}` : null },
      ),
    );
  }
  return figures;
}

/** Every partition key each event's write lands on (the table's pk and each index key), counted. */
function keyShares(events: readonly Event[]) {
  const writes = new Map<string, Map<string, number>>();
  const entries = new Map<string, number>();
  for (const event of events) {
    const item = eventItem(event);
    for (const { index, attribute } of Object.values(termIndexes)) {
      // A kind without an index (brand) is a key on the item, written with it.
      if (index === undefined) continue;
      const key = item[attribute];
      if (typeof key !== 'string') continue;
      const target = index ?? 'table';
      const perKey = writes.get(target) ?? new Map<string, number>();
      writes.set(target, perKey.set(key, (perKey.get(key) ?? 0) + 1));
      entries.set(target, (entries.get(target) ?? 0) + 1);
    }
  }
  const busiest: KeyShare[] = [...writes].map(([kind, perKey]) => {
    let top: [string, number] = ['', 0];
    for (const entry of perKey) if (entry[1] > top[1]) top = entry;
    return { kind, key: top[0], writes: top[1], share: top[1] / events.length };
  });
  return { busiest, entriesPerEvent: Object.fromEntries([...entries].map(([k, n]) => [k, n / events.length])) };
}

const burstEvents = (seed: number, hotCount: number, fromMs: number, windowMs: number) => {
  const events: Event[] = [];
  for (const batch of mixEvents({
    seed,
    count: options.count,
    hotCount,
    fromMs,
    toMs: fromMs + windowMs,
    batch: 1000,
  }))
    events.push(...batch);
  return events;
};

async function burstPart(): Promise<BurstFigures> {
  // 20 000 events in 2 s (10 000 events/s), or a whole minute at 1 000 events/s, from a minute's
  // start old enough for the seal's 90 s delay.
  const windowMs = Math.ceil((options.count / (options.ratePerSecond ?? 10_000)) * 1000);
  const fromMs = Math.floor(Date.now() / minuteMs - 5) * minuteMs;
  const events = burstEvents(options.seed, options.hotCount, fromMs, windowMs);
  const { busiest, entriesPerEvent } = keyShares(events);
  const withoutHot = keyShares(burstEvents(options.seed + 1, 0, fromMs, windowMs)).busiest;
  const terms = new Set<string>();
  let storedTotal = 0;
  let storedMax = 0;
  for (const event of events) {
    const bytes = (eventItem(event).b as Uint8Array).length;
    storedTotal += bytes;
    storedMax = Math.max(storedMax, bytes);
    for (const term of eventTerms(event)) terms.add(termKey(term.kind, term.value));
  }

  const putEvents = 1000;
  const started = performance.now();
  const put = await meter.measure(async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < putEvents; i = next++) await eventStore.put(events[i] as Event);
      }),
    );
  });
  const rest = events.slice(putEvents);
  const batched = await meter.measure(() =>
    writeAll(
      (function* () {
        for (let i = 0; i < rest.length; i += 250) yield rest.slice(i, i + 250);
      })(),
      6,
      () => undefined,
    ),
  );
  const writeSeconds = (performance.now() - started) / 1000;

  // Reads at this rate: before the seal everything is tail; after it, one sealed minute.
  const log = eventLog({ readBudget: 1000 });
  const hotEvents = events.filter((e) => e.user.username === hotActor.username).length;
  const probes: ProbeFigures[] = [];
  const probe = async (
    label: string,
    expectedCount: number,
    run: () => Promise<{ results: number; count: number; estimated: boolean }>,
  ) => {
    const started = performance.now();
    let answer: { results: number; count: number; estimated: boolean } | undefined;
    let error: string | null = null;
    const { usage } = await meter.measure(async () => {
      try {
        answer = await run();
      } catch (e) {
        error = (e as Error).message;
      }
    });
    probes.push({
      label,
      rcu: usage.total,
      ms: performance.now() - started,
      results: answer?.results ?? 0,
      count: answer?.count ?? -1,
      expectedCount,
      estimated: answer?.estimated ?? false,
      error,
    });
  };
  const list = (page: number) => async () => {
    const { page: found, estimated } = await listEvents(
      log,
      eventListQuery.parse({ page_size: '100', page: String(page) }),
    );
    return { results: found.results.length, count: found.pagination.count, estimated };
  };
  const actor = (offset: number) => async () => {
    const { body, estimated } = await searchEventsBySubject(
      log,
      subjectSearchQuery.parse({ actor: hotActor.username, limit: '50', offset: String(offset) }),
    );
    return { results: body.resultSet.length, count: body.pagination.totalResults, estimated };
  };
  await probe('no seal yet (live or not): authentik page 1, no filter', events.length, list(1));
  await probe('no seal yet (live or not): onegini actor offset 0', hotEvents, actor(0));

  // The live seal over the burst in passes of 250 ms of its events, as its timer runs them.
  const passMs = 250;
  const liveDelayMs = 1_000;
  const liveStarted = performance.now();
  const lived = await meter.measure(async () => {
    for (let end = fromMs + passMs; end < fromMs + windowMs + passMs; end += passMs) {
      await sealLive({ nowMs: end + liveDelayMs, delayMs: liveDelayMs });
    }
  });
  const liveSeconds = (performance.now() - liveStarted) / 1000;

  const sealStarted = performance.now();
  const sealed = await meter.measure(sealAll);
  const sealSeconds = (performance.now() - sealStarted) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  for (const page of [1, 10, 11, 12, Math.ceil(events.length / 100)])
    await probe(`sealed: authentik page ${page}, no filter`, events.length, list(page));
  for (const offset of [0, 1000, 1050, Math.max(0, hotEvents - 50)])
    await probe(`sealed: onegini actor offset ${offset}`, hotEvents, actor(offset));

  return {
    part: 'burst',
    count: events.length,
    hotCount: options.hotCount,
    windowMs,
    busiest,
    busiestWithoutHot: withoutHot,
    entriesPerEvent,
    putEvents,
    putUsage: plain(put.usage),
    batchEvents: rest.length,
    batchUsage: plain(batched.usage),
    writeSeconds,
    sealSeconds,
    sealUsage: plain(sealed.usage),
    liveSeconds,
    liveUsage: plain(lived.usage),
    eventMinutes: new Set(events.map((e) => Math.floor(Date.parse(e.created) / minuteMs))).size,
    distinctTerms: terms.size,
    storedBytes: { mean: storedTotal / events.length, max: storedMax },
    probes,
  };
}

try {
  const figures = options.part === 'size' ? await sizePart() : await burstPart();
  writeFileSync(options.out, JSON.stringify(figures));
} finally {
  const client = engineClient(endpoint);
  await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  client.destroy();
}
process.exit();
