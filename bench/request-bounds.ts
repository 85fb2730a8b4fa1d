// The bound of one request's work (issue 25 item 1): every request that turns a list of values
// into index terms, at the bound (128 index partitions: 8 actions, 7 count steps of one; 64
// expanded actions, 32 applications)
// and one past it, through the local gateway of the service as `npm start` runs it (child
// process, LOCAL_CAPACITY_HEADER=1: each answer's own RCU). Three states of one table:
//   empty    the service just started;
//   sealed   3 000 events over 81 custom actions and 80 applications (bench/request-bounds-events.ts)
//            in 4 busy minutes over the past 52 days, stored by putMany and sealed;
//   ingested the same plus 3 000 more created as they are written and followed by what ingest runs
//            after a write (bench/request-bounds-seed.ts `now`), read at once.
// The minute seal is off in the service (SEAL_INTERVAL_MS=0; the bench seals the history itself), so
// the ingested events stay unsealed for the whole measurement, as in the 90–150 s before the seal
// reaches them; the live seal runs at its default. Times are the client's, median and max of up to
// 5 runs in a row; `DynamoDB requests` counts the commands the request sent (x-dynamodb-requests:
// DynamoDB Local reports no units for a Query that finds nothing, AWS charges it 0.5 RCU). A run
// the service gave up on (its 10 s timeout, 500) goes on inside it: before the next run the bench
// waits until an instant 400 answers quickly again. Nothing asserts a time: the verdict column
// says what each figure is.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { bootstrapName } from '../infra/local/bootstrap.ts';
import { type Cell, formatNumber, median, printTable } from './report.ts';
import { appsAction, boundsActions, eightActions, hotActor, hotPerson, loActions } from './request-bounds-events.ts';
import type { SeedFigures, SeedOptions } from './request-bounds-seed.ts';
import { type BenchService, projectRoot, startBenchService } from './service.ts';

const seededEvents = 3_000;
const ingestedEvents = 3_000;
/** Days back of the busy minutes the seeded events are created in (volume/'s 60 days hold them all). */
const busyDaysBack = [3, 17, 33, 52];
const runs = 5;
/** A probe's repeats stop once its runs have taken this long (slow answers get fewer runs). */
const probeBudgetMs = 5_000;
const withinMs = 1_000;
/** A request the service answers at once (400 before any read but the authorizer's): its idle check. */
const idlePath = '/api/events?actor=idle&limit=1001&offset=0';
const idleMs = 250;

interface Probe {
  label: string;
  path: string;
  /** Onegini: Basic name:token. */
  basic?: boolean;
}

interface Timed {
  status: number;
  ms: number;
  rcu: number;
  /** DynamoDB commands the request sent, and of them Queries. */
  requests: number;
  queries: number;
  body: unknown;
  estimated: boolean;
}

async function timed(service: BenchService, path: string, basic = false): Promise<Timed> {
  const authorization = basic
    ? `Basic ${Buffer.from(`${bootstrapName}:${service.token}`).toString('base64')}`
    : `Bearer ${service.token}`;
  const started = performance.now();
  const response = await fetch(service.url + path, {
    headers: { authorization },
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {}
  return {
    status: response.status,
    ms,
    rcu: Number(response.headers.get('x-consumed-rcu') ?? Number.NaN),
    ...commandsOf(response.headers.get('x-dynamodb-requests')),
    body,
    estimated: response.headers.get('x-count-estimated') === 'true',
  };
}

/** x-dynamodb-requests (`Query=1024 GetItem=2`) as the total and the Queries. */
function commandsOf(header: string | null): { requests: number; queries: number } {
  if (header === null) return { requests: Number.NaN, queries: Number.NaN };
  const counts = new Map(
    header
      .split(' ')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
  const requests = [...counts.values()].reduce((sum, n) => sum + Number(n), 0);
  return { requests, queries: Number(counts.get('Query') ?? 0) };
}

const repeated = (name: string, values: readonly string[]) =>
  values.map((value) => `${name}=${encodeURIComponent(value)}`).join('&');
const searchIn = (values: readonly string[]) =>
  `search=${encodeURIComponent(`action in (${values.map((value) => `"${value}"`).join(', ')})`)}`;

/** 8 actions are 128 index partitions (16 shards each): the bound; 9 pass it. */
const actions8 = loActions.slice(0, 8);
const actions9 = loActions.slice(0, 9);
/** stats/ reads each step's partitions and the users' once more: 7 steps of one action are 128. */
const steps7 = ['minutes=1', 'hours=1', 'hours=6', 'days=1', 'days=7', 'days=30', 'days=60'];
const steps8 = [...steps7, 'weeks=52'];

function probes(hotEvents: number): Probe[] {
  const list = '/events/events/';
  return [
    { label: 'list search=action in (8 actions)', path: `${list}?${searchIn(actions8)}` },
    { label: 'list search=action in (9 actions)', path: `${list}?${searchIn(actions9)}` },
    { label: 'list actions=×8', path: `${list}?${repeated('actions', actions8)}` },
    { label: 'list actions=×9', path: `${list}?${repeated('actions', actions9)}` },
    { label: `list action=_eight_ (${eightActions.length} by substring)`, path: `${list}?action=_eight_` },
    { label: 'list action=_eight (9 by substring)', path: `${list}?action=_eight` },
    { label: `list action=custom (${boundsActions.length} + custom_)`, path: `${list}?action=custom` },
    { label: 'volume/ history_days=60 (every action)', path: `${list}volume/?history_days=60` },
    { label: 'volume/ history_days=7 (every action)', path: `${list}volume/` },
    {
      label: 'volume/ history_days=60 actions=×8',
      path: `${list}volume/?history_days=60&${repeated('actions', actions8)}`,
    },
    {
      label: 'volume/ history_days=60 actions=×9',
      path: `${list}volume/?history_days=60&${repeated('actions', actions9)}`,
    },
    {
      label: 'stats/ count_steps=×7 actions=×1',
      path: `${list}stats/?${repeated('count_steps', steps7)}&actions=${actions8[0]}`,
    },
    {
      label: 'stats/ count_steps=×1 actions=×4',
      path: `${list}stats/?count_steps=days=60&${repeated('actions', actions8.slice(0, 4))}`,
    },
    {
      label: 'stats/ count_steps=×8 actions=×1',
      path: `${list}stats/?${repeated('count_steps', steps8)}&actions=${actions8[0]}`,
    },
    {
      label: 'stats/ count_steps=×1 actions=×5',
      path: `${list}stats/?count_steps=days=60&${repeated('actions', actions8.slice(0, 5))}`,
    },
    { label: 'stats/ count_steps=×7 (every event)', path: `${list}stats/?${repeated('count_steps', steps7)}` },
    { label: 'stats/ count_steps=×8 (every event)', path: `${list}stats/?${repeated('count_steps', steps8)}` },
    { label: 'top_per_user/ action with 32 apps', path: `${list}top_per_user/?action=${appsAction[32]}` },
    { label: 'top_per_user/ action with 33 apps', path: `${list}top_per_user/?action=${appsAction[33]}` },
    {
      label: 'onegini actor limit=1000 offset=0',
      path: `/api/events?actor=${hotActor}&limit=1000&offset=0`,
      basic: true,
    },
    {
      label: `onegini actor limit=1000 offset=${Math.max(0, hotEvents - 1000)} (last)`,
      path: `/api/events?actor=${hotActor}&limit=1000&offset=${Math.max(0, hotEvents - 1000)}`,
      basic: true,
    },
    {
      label: 'onegini actor+userId limit=1000 offset=0',
      path: `/api/events?actor=${hotActor}&userId=${hotPerson}&limit=1000&offset=0`,
      basic: true,
    },
    {
      label: 'onegini userId limit=1000 offset=2^53-1',
      path: `/api/events?userId=${hotPerson}&limit=1000&offset=${Number.MAX_SAFE_INTEGER}`,
      basic: true,
    },
    { label: 'onegini actor limit=1001', path: `/api/events?actor=${hotActor}&limit=1001&offset=0`, basic: true },
  ];
}

/** What an answer says, briefly: a count, rows, or the refusal's body. */
function answerOf(probe: Probe, { status, body }: Timed): string {
  const b = body as any;
  if (status !== 200) return (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 72);
  if (probe.basic) return `${b.resultSet.length} of ${b.pagination.totalResults}`;
  if (Array.isArray(b)) return `${b.length} rows`;
  if (b.pagination) return `count ${b.pagination.count}`;
  if (b.count_step) return `steps ${Object.values(b.count_step as Record<string, number>).join('/')}`;
  return '';
}

interface Measured {
  probe: Probe;
  answers: Timed[];
}

/** Waits (up to 30 s) until the instant 400 answers within idleMs: nothing left running inside. */
async function settle(service: BenchService): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 30_000) {
    if ((await timed(service, idlePath, true)).ms <= idleMs) break;
    await sleep(500);
  }
  return (performance.now() - started) / 1000;
}

async function measureAll(service: BenchService, list: Probe[]): Promise<{ measured: Measured[]; waited: number }> {
  const measured: Measured[] = [];
  let waited = 0;
  for (const probe of list) {
    const answers: Timed[] = [];
    let spent = 0;
    while (answers.length < runs && (answers.length === 0 || spent < probeBudgetMs)) {
      const answer = await timed(service, probe.path, probe.basic);
      answers.push(answer);
      spent += answer.ms;
      if (answer.ms > withinMs || answer.status >= 500) waited += await settle(service);
    }
    measured.push({ probe, answers });
  }
  return { measured, waited };
}

/**
 * Within 1 s or refused at once, by the median of the runs; a max past 1 s is named (a stall of
 * the machine or of the service's own timers shows there, the request's own cost in the median).
 */
function verdictOf(answers: Timed[]): string {
  const statuses = new Set(answers.map((a) => a.status));
  const typical = median(answers.map((a) => a.ms));
  const spike = Math.max(...answers.map((a) => a.ms)) > withinMs ? ', max over 1 s' : '';
  if ([...statuses].some((status) => status !== 200 && status !== 400)) return `FAILED ${[...statuses].join('/')}`;
  if (statuses.size === 1 && statuses.has(400)) return typical <= withinMs ? `refused (400)${spike}` : 'refused, SLOW';
  return typical <= withinMs ? `within 1 s${spike}` : 'OVER 1 s';
}

function report(title: string, { measured, waited }: { measured: Measured[]; waited: number }) {
  const rows: Cell[][] = measured.map(({ probe, answers }) => {
    const last = answers.at(-1) as Timed;
    const statuses = [...new Set(answers.map((a) => a.status))].join('/');
    return [
      probe.label,
      statuses,
      answers.length,
      median(answers.map((a) => a.ms)),
      Math.max(...answers.map((a) => a.ms)),
      median(answers.map((a) => a.rcu)),
      median(answers.map((a) => a.requests)),
      median(answers.map((a) => a.queries)),
      answers.some((a) => a.estimated) ? 'yes' : '',
      verdictOf(answers),
      answerOf(probe, last),
    ];
  });
  printTable(
    title,
    [
      'request',
      'status',
      'runs',
      'ms, median',
      'ms, max',
      'RCU',
      'DynamoDB requests',
      'of them Queries',
      'estimated',
      'verdict',
      'answer',
    ],
    rows,
  );
  const over = measured.filter(({ answers }) => !/^(within 1 s|refused \(400\))/.test(verdictOf(answers)));
  console.log(
    over.length === 0
      ? `every request answered within 1 s or was refused (400) at once (median): ${measured.length} of ${measured.length}`
      : `NOT every request answered within 1 s or was refused at once (median), ${over.length} of ${measured.length}: ${over.map(({ probe, answers }) => `${probe.label} (${verdictOf(answers)}, ${formatNumber(median(answers.map((a) => a.ms)), 0)} ms)`).join('; ')}`,
  );
  if (waited > 0) console.log(`(waited ${formatNumber(waited, 1)} s in all for the service to settle after slow runs)`);
}

/** Events into the service's table, in a child process (bench/request-bounds-seed.ts): the sealed history, or the ingested. */
async function seed(endpoint: string, service: BenchService, options: SeedOptions): Promise<SeedFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/request-bounds-seed.ts', JSON.stringify(options)],
      {
        cwd: projectRoot,
        env: { ...process.env, DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: service.tableName },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) as string))
        : reject(new Error(`seed: exit ${code}`)),
    );
  });
}

export async function requestBoundFigures(endpoint: string) {
  // The bench seals the history itself: the service's seal would hold the lease, and would seal
  // the ingested events during their measurement.
  const service = await startBenchService(endpoint, { LOCAL_CAPACITY_HEADER: '1', SEAL_INTERVAL_MS: '0' });
  try {
    console.log(
      'bound: 128 index partitions a request (8 actions of 16 shards; stats/: (steps + 1) × partitions), 64 expanded actions, 32 applications; ' +
        `runs: up to ${runs} in a row per request (fewer once a request's runs pass ${probeBudgetMs / 1000} s)`,
    );
    report('(a) empty table', await measureAll(service, probes(0)));

    const now = Date.now();
    const minutes = busyDaysBack.map((days) => Math.floor((now - days * 86_400_000) / 60_000) * 60_000);
    const seeded = await seed(endpoint, service, { mode: 'history', first: 0, count: seededEvents, minutes });
    console.log(
      `\nseeded ${formatNumber(seededEvents)} events (${boundsActions.length} custom actions, 80 applications, ${minutes.length} busy minutes ${busyDaysBack.join('/')} days back) in ${formatNumber(seeded.seedSeconds, 1)} s; sealed ${seeded.sealedMinutes} minutes in ${formatNumber(seeded.sealSeconds, 1)} s`,
    );
    // Readers trust a seal once its rollups are 5 s old (sealedThrough, lib/store/seal.ts).
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    report(`(b) ${formatNumber(seededEvents)} events, sealed`, await measureAll(service, probes(seededEvents / 2)));

    const ingested = await seed(endpoint, service, { mode: 'now', first: seededEvents, count: ingestedEvents });
    console.log(
      `\ningested ${formatNumber(ingestedEvents)} more as ingest stores them (created as written) in ${formatNumber(ingested.seedSeconds, 1)} s`,
    );
    const probedAt = Date.now();
    report(
      `(c) the same + ${formatNumber(ingestedEvents)} ingested, unsealed (read at once, the minute seal off)`,
      await measureAll(service, probes((seededEvents + ingestedEvents) / 2)),
    );
    console.log(`(c) read from at once after the writes to ${formatNumber((Date.now() - probedAt) / 1000, 1)} s after`);
  } finally {
    await service.stop();
    if (service.errors.length > 0)
      console.log(`the service logged ${service.errors.length} stderr lines, first: ${service.errors[0]}`);
  }
}
