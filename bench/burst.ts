// Counts and pages right after a burst (the live log, docs/data-model.md), through the gateway of
// the service as operators run it (its seal and live seal timers at their defaults). A baseline
// of 500 events; then, in a fresh table, 20 000 events posted by 8 clients as fast as the service
// takes them, and the probes (burst-probes.ts) 0.5, 5, 30 and 120 s after the last 201, each read
// 3 times in a row: exact or not (every read), RCU and ms (medians), and both against the baseline; then, once the minute seal has caught up, the same
// probes on the settled log (what item 2 compares a read right after a burst with); then 60 s of
// sustained ingest, the probes once more and the live seal's lag. Capacity is the service's own
// per request (LOCAL_CAPACITY_HEADER=1).
import { setTimeout as sleep } from 'node:timers/promises';
import { Truth } from './burst-events.ts';
import { type IngestRun, postEvents } from './burst-ingest.ts';
import { countPath, type LagSample, secondsUntilCounted, watchLag } from './burst-lag.ts';
import { burstProbes, type Measured, measureRepeated, type Probe } from './burst-probes.ts';
import { untilSealed } from './burst-settled.ts';
import { type Cell, formatNumber, median, printTable } from './report.ts';
import { type BenchService, startBenchService } from './service.ts';

const clients = 8;
const baselineEvents = 500;
const burstEvents = 20_000;
const checkpointSeconds = [0.5, 5, 30, 120];
const sustained = { seconds: 60, perSecond: 1_000, probedAfterSeconds: 0.5 };
/** The run after which the count is polled until it holds every event. */
const tailSeconds = 10;
const baselineRounds = 5;
/** Reads of each probe in a round, back to back: each checked, the median timed. */
const readsPerProbe = 3;
const exactWithinMs = 150_000;
const countedWithinMs = 60_000;
/** How long after the burst the settled round waits for the minute seal at most. */
const sealedWithinMs = 300_000;

interface Probed {
  probe: Probe;
  /** Date.now() when the probe was sent. */
  sentAt: number;
  measured: Measured;
}

/** Each probe in order, read `readsPerProbe` times in a row (measureRepeated). */
async function probeAll(service: BenchService, truth: Truth): Promise<Probed[]> {
  const probed: Probed[] = [];
  for (const probe of burstProbes(truth))
    probed.push({ probe, sentAt: Date.now(), measured: await measureRepeated(service, probe, readsPerProbe) });
  return probed;
}

const exactMark = ({ verdict }: Measured) => (verdict === null ? '–' : verdict.exact ? '✓' : '✗');
const ratio = (value: number, base: number) => (base === 0 ? '–' : `${(value / base).toFixed(1)}×`);

async function withService<T>(endpoint: string, use: (service: BenchService) => Promise<T>): Promise<T> {
  const service = await startBenchService(endpoint, { LOCAL_CAPACITY_HEADER: '1' });
  try {
    return await use(service);
  } finally {
    await service.stop();
    if (service.errors.length > 0)
      console.log(`the service logged ${service.errors.length} stderr lines, first: ${service.errors[0]}`);
  }
}

type Baseline = Map<string, { ms: number; rcu: number }>;
/** Each probe's RCU on the settled log, once the seal has caught up with the burst. */
type Settled = Map<string, number>;

/** 500 events, the probes polled until exact, then each probe's median of 5 runs. */
async function baselineFigures(endpoint: string, runs: [string, IngestRun][]): Promise<Baseline> {
  return withService(endpoint, async (service) => {
    const truth = new Truth();
    const run = await postEvents(service, truth, { clients, first: 0, until: { events: baselineEvents } });
    runs.push([`baseline, ${baselineEvents} events`, run]);
    let exactAfter: number | null = null;
    while (exactAfter === null && Date.now() - run.lastCreatedAt < exactWithinMs) {
      const probed = await probeAll(service, truth);
      if (!probed.every(({ measured }) => measured.verdict?.exact !== false)) await sleep(1_000);
      else exactAfter = ((probed[0] as Probed).sentAt - run.lastCreatedAt) / 1000;
    }
    const rounds: Probed[][] = [];
    for (let i = 0; i < baselineRounds; i++) rounds.push(await probeAll(service, truth));
    const baseline: Baseline = new Map();
    const rows = (rounds[0] ?? []).map(({ probe }, i) => {
      const runsOf = rounds.map((round) => (round[i] as Probed).measured);
      const last = runsOf.at(-1) as Measured;
      const figures = { ms: median(runsOf.map((m) => m.ms)), rcu: median(runsOf.map((m) => m.rcu)) };
      baseline.set(probe.key, figures);
      const estimated = runsOf.find((m) => m.estimated !== null)?.estimated ?? '';
      return [probe.path, last.status, exactMark(last), last.verdict?.answer ?? '', figures.rcu, figures.ms, estimated];
    });
    const settled =
      exactAfter === null
        ? `not all exact ${exactWithinMs / 1000} s after the last 201`
        : `all exact in the round sent ${formatNumber(exactAfter, 1)} s after the last 201`;
    printTable(
      `Baseline: ${formatNumber(truth.total)} events; probes ${settled}; median of ${baselineRounds} runs`,
      ['probe', 'status', 'exact', 'answer', 'RCU', 'ms', 'X-Count-Estimated'],
      rows,
    );
    return baseline;
  });
}

/** Probes sent after the last 201 at `lastCreatedAt`, against the baseline. */
function printProbed(title: string, probed: Probed[], lastCreatedAt: number, against: Against) {
  const { baseline, settled } = against;
  const rows: Cell[][] = probed.map(({ probe, sentAt, measured }) => {
    const base = baseline.get(probe.key);
    const sealed = settled?.get(probe.key);
    return [
      probe.path,
      (sentAt - lastCreatedAt) / 1000,
      measured.status,
      exactMark(measured),
      measured.verdict?.answer ?? '',
      measured.rcu,
      measured.ms,
      base ? ratio(measured.rcu, base.rcu) : '–',
      base ? ratio(measured.ms, base.ms) : '–',
      sealed === undefined ? '–' : ratio(measured.rcu, sealed),
      measured.estimated ?? '',
    ];
  });
  printTable(
    title,
    [
      'probe',
      'sent at s',
      'status',
      'exact',
      'answer',
      'RCU',
      'ms',
      `RCU ×${baselineEvents}`,
      `ms ×${baselineEvents}`,
      'RCU ×settled',
      'X-Count-Estimated',
    ],
    rows,
  );
}

/** What a round is compared with: the baseline's figures and, once measured, the settled log's RCU. */
interface Against {
  readonly baseline: Baseline;
  readonly settled?: Settled;
}

/** The probes once, from `seconds` after `lastCreatedAt`. */
async function probeAt(service: BenchService, truth: Truth, lastCreatedAt: number, seconds: number) {
  await sleep(Math.max(0, lastCreatedAt + seconds * 1000 - Date.now()));
  return probeAll(service, truth);
}

function printLag(samples: LagSample[]) {
  const answered = samples.filter((sample) => sample.status === 200);
  const figure = (values: number[]) => [median(values), Math.max(...values)];
  printTable(
    `Live seal lag during the sustained run: the count (${countPath}) read every second against the events acknowledged before the read`,
    [
      'reads',
      'non-200',
      'behind, median',
      'behind, max',
      's behind, median',
      's behind, max',
      'read ms, median',
      'read ms, max',
      'X-Count-Estimated',
    ],
    [
      [
        samples.length,
        samples.length - answered.length,
        ...figure(answered.map((sample) => sample.behind)),
        ...figure(answered.map((sample) => sample.seconds)),
        ...figure(answered.map((sample) => sample.ms)),
        `${answered.filter((sample) => sample.estimated !== null).length} of ${answered.length}`,
      ],
    ],
  );
}

/** The burst, its probes, the sustained run, its probes and the live seal's lag. */
async function afterBurst(endpoint: string, baseline: Baseline, runs: [string, IngestRun][]) {
  await withService(endpoint, async (service) => {
    const truth = new Truth();
    const burst = await postEvents(service, truth, { clients, first: 0, until: { events: burstEvents } });
    runs.push([`burst, ${formatNumber(burstEvents)} events`, burst]);
    console.log(
      '\nexact: the count holds every event acknowledged a second before the read and no more than were acknowledged (issue 20 item 1), and the pages agree with it',
    );
    const rounds: [number, Probed[]][] = [];
    for (const seconds of checkpointSeconds)
      rounds.push([seconds, await probeAt(service, truth, burst.lastCreatedAt, seconds)]);
    const sealed = await untilSealed(endpoint, service.tableName, burst.lastCreatedAt, sealedWithinMs);
    const settledRound = sealed ? await probeAll(service, truth) : [];
    const settled: Settled = new Map(settledRound.map(({ probe, measured }) => [probe.key, measured.rcu]));
    for (const [seconds, probed] of rounds) {
      printProbed(
        `Burst: ${formatNumber(truth.total)} events, probes from ${seconds} s after the last 201 (ratios to the baseline and to the settled log)`,
        probed,
        burst.lastCreatedAt,
        { baseline, settled },
      );
    }
    if (sealed) {
      printProbed(
        'Settled: the same events once the minute seal has caught up with the burst (no live minute left)',
        settledRound,
        burst.lastCreatedAt,
        { baseline, settled },
      );
    } else
      console.log(`\nthe seal did not catch up with the burst within ${sealedWithinMs / 1000} s: no settled round`);

    const posting = postEvents(service, truth, {
      clients,
      first: burstEvents,
      until: { seconds: sustained.seconds },
      perSecond: sustained.perSecond,
    });
    const lag = await watchLag(service, truth, posting);
    const steady = await posting;
    runs.push([`sustained ${sustained.seconds} s, target ${formatNumber(sustained.perSecond)}/s`, steady]);
    printProbed(
      `After the sustained run: ${formatNumber(truth.total)} events, probes from ${sustained.probedAfterSeconds} s after the last 201`,
      await probeAt(service, truth, steady.lastCreatedAt, sustained.probedAfterSeconds),
      steady.lastCreatedAt,
      { baseline, settled },
    );
    printLag(lag);

    const tail = await postEvents(service, truth, {
      clients,
      first: burstEvents + steady.sent,
      until: { seconds: tailSeconds },
    });
    runs.push([`${tailSeconds} s more, then the count polled`, tail]);
    const counted = await secondsUntilCounted(service, truth, tail.lastCreatedAt, countedWithinMs);
    console.log(
      `\nThe count (${countPath}, read every 100 ms) held all ${formatNumber(truth.total)} events ` +
        (counted === null
          ? `not within ${countedWithinMs / 1000} s`
          : `${formatNumber(counted, 2)} s after the last 201 (the read sent then)`),
    );
  });
}

function printRuns(runs: [string, IngestRun][]) {
  printTable(
    `Ingest, POST /events/events/ through the local gateway, ${clients} clients; units from x-consumed-* of the 201s`,
    ['run', 'sent', '201', 's', 'events/s', 'refused', 'failed', 'WCU/event', 'RCU/event'],
    runs.map(([name, run]) => [
      name,
      run.sent,
      run.created,
      run.seconds,
      run.created / run.seconds,
      [...run.refused].map(([status, count]) => `${status}×${count}`).join(' ') || '0',
      run.failed,
      run.wcu / run.created,
      run.rcu / run.created,
    ]),
  );
}

export async function burstFigures(endpoint: string) {
  const runs: [string, IngestRun][] = [];
  try {
    const baseline = await baselineFigures(endpoint, runs);
    await afterBurst(endpoint, baseline, runs);
  } finally {
    printRuns(runs);
  }
}
