// The reads an operator makes after a burst, each with what its answer must be (the truth):
// authentik's list (count, first and last pages, indexed filters), Onegini's search (first and
// deep offsets) and two analytics answers (only timed, but for the stats' step count).
import { brand, heavy, type Truth, truthKey } from './burst-events.ts';
import { call } from './burst-http.ts';
import { formatNumber, median } from './report.ts';
import type { BenchService } from './service.ts';

export interface Verdict {
  exact: boolean;
  /** The figures compared: `count 20,000`, or `count 19,870≠20,000` when not the truth. */
  answer: string;
}

export interface Probe {
  /** The same at every size (a number that depends on the size is named: `<last>`), unlike the path. */
  key: string;
  path: string;
  basic?: boolean;
  /**
   * A page past what was acknowledged a second before the read may answer 404 (issue 20 promises
   * the events acknowledged ≥ 1 s before a read): true when that is so for a read sent then.
   */
  mayBeAbsent?: (sentAtMs: number) => boolean;
  /** Compares a 200 answer with the truth as of its sending; none when the probe is only timed. */
  check?: (body: unknown, sentAtMs: number) => Verdict;
}

/**
 * What a count must be for a read sent at `sentAtMs`: every event acknowledged a second before
 * it, at most every event acknowledged (issue 20: exact for what was acknowledged ≥ 1 s before).
 */
type Expected = (sentAtMs: number) => [low: number, high: number];

const acknowledgedFor =
  (truth: Truth, key: string | null): Expected =>
  (sentAtMs) => [truth.count(key, sentAtMs - 1_000), truth.count(key)];

export interface Measured {
  status: number;
  ms: number;
  rcu: number;
  estimated: string | null;
  verdict: Verdict | null;
}

/** Each figure against what it may be: one value, or a count's range (`low`–`high`). */
function verdict(figures: [name: string, got: number, low: number, high?: number][]): Verdict {
  const holds = ([, got, low, high = low]: (typeof figures)[number]) => got >= low && got <= high;
  const shown = ([name, got, low, high = low]: (typeof figures)[number]) =>
    `${name} ${formatNumber(got)}${holds([name, got, low, high]) ? '' : `≠${low === high ? formatNumber(low) : `${formatNumber(low)}–${formatNumber(high)}`}`}`;
  return { exact: figures.every(holds), answer: figures.map(shown).join(', ') };
}

export interface ListBody {
  pagination: { count: number; total_pages: number };
  results: unknown[];
}

/** `GET /events/events/?query`: the count, and the pages and the length of page `page` as that count makes them. */
function listProbe(query: string, expected: Expected, size: number, page = 1, keyQuery = query): Probe {
  return {
    key: `list ?${keyQuery}`,
    path: `/events/events/?${query}`,
    mayBeAbsent: (sentAtMs) => page > 1 && expected(sentAtMs)[0] <= (page - 1) * size,
    check: (body, sentAtMs) => {
      const { pagination, results } = body as ListBody;
      const count = pagination.count;
      return verdict([
        ['count', count, ...expected(sentAtMs)],
        ['pages', pagination.total_pages, Math.max(1, Math.ceil(count / size))],
        ['page', results.length, Math.max(0, Math.min(size, count - (page - 1) * size))],
      ]);
    },
  };
}

interface OneginiBody {
  resultSet: unknown[];
  pagination: { totalResults: number };
}

/** `GET /api/events?query`, 20 from `offset`: totalResults and the length of the page. */
function oneginiProbe(query: string, expected: Expected, offset = 0, offsetName = String(offset)): Probe {
  const limit = 20;
  return {
    key: `onegini ?${query}&limit=${limit}&offset=${offsetName}`,
    path: `/api/events?${query}&limit=${limit}&offset=${offset}`,
    basic: true,
    check: (body, sentAtMs) => {
      const { resultSet, pagination } = body as OneginiBody;
      const total = pagination.totalResults;
      return verdict([
        ['totalResults', total, ...expected(sentAtMs)],
        ['page', resultSet.length, Math.max(0, Math.min(limit, total - offset))],
      ]);
    },
  };
}

interface StatsBody {
  count_step: Record<string, number>;
}

export function burstProbes(truth: Truth, nowMs = Date.now()): Probe[] {
  const total = truth.total;
  const all = acknowledgedFor(truth, null);
  const ofKey = (key: string) => acknowledgedFor(truth, key);
  const heavyCount = truth.count(truthKey.actor(heavy));
  const last = (size: number) => Math.max(1, Math.ceil(total / size));
  const deep = Math.max(0, heavyCount - 5);
  const loginOrLogout: Expected = (sentAtMs) => {
    const [a, b] = ofKey(truthKey.action('login'))(sentAtMs);
    const [c, d] = ofKey(truthKey.action('logout'))(sentAtMs);
    return [a + c, b + d];
  };
  return [
    listProbe(`page_size=1&brand_name=${brand}`, all, 1),
    listProbe('page_size=20&page=1', all, 20),
    listProbe(`page_size=20&page=${last(20)}`, all, 20, last(20), 'page_size=20&page=<last>'),
    listProbe(
      `page_size=100&brand_name=${brand}&page=${last(100)}`,
      all,
      100,
      last(100),
      `page_size=100&brand_name=${brand}&page=<last>`,
    ),
    listProbe('page_size=20&action=login_failed', ofKey(truthKey.action('login_failed')), 20),
    listProbe('page_size=20&actions=login&actions=logout', loginOrLogout, 20),
    listProbe(`page_size=20&username=${heavy}`, ofKey(truthKey.actor(heavy)), 20),
    listProbe('page_size=20&client_ip=192.0.2.7', ofKey(truthKey.address('192.0.2.7')), 20),
    oneginiProbe(`actor=${heavy}`, ofKey(truthKey.actor(heavy))),
    oneginiProbe(`actor=${heavy}`, ofKey(truthKey.actor(heavy)), deep, '<heavy−5>'),
    oneginiProbe('userId=p-1', ofKey(truthKey.person('p-1'))),
    oneginiProbe(`actor=${heavy}&userId=p-1`, ofKey(truthKey.actorPerson(heavy, 'p-1'))),
    { key: 'volume', path: '/events/events/volume/' },
    {
      key: 'stats ?count_steps=hours=1',
      path: '/events/events/stats/?count_steps=hours=1',
      check: (body, sentAtMs) =>
        verdict([
          [
            'hours1',
            (body as StatsBody).count_step.hours1 ?? 0,
            truth.since(nowMs - 3_600_000) - (truth.total - truth.count(null, sentAtMs - 1_000)),
            truth.since(nowMs - 3_600_000),
          ],
        ]),
    },
  ];
}

/**
 * A probe read `times` times in a row: every answer checked (the first that is not exact is the
 * verdict), the median time and capacity. One read of 25–65 ms is within this machine's noise.
 */
export async function measureRepeated(service: BenchService, probe: Probe, times: number): Promise<Measured> {
  const reads: Measured[] = [];
  for (let i = 0; i < times; i++) reads.push(await measure(service, probe));
  const shown = reads.find((read) => read.verdict?.exact === false) ?? (reads[0] as Measured);
  return { ...shown, ms: median(reads.map((read) => read.ms)), rcu: median(reads.map((read) => read.rcu)) };
}

export async function measure(service: BenchService, probe: Probe): Promise<Measured> {
  const sentAtMs = Date.now();
  const answer = await call(service, probe.path, { basic: probe.basic });
  const checked = !probe.check
    ? null
    : answer.status === 200
      ? probe.check(answer.body, sentAtMs)
      : answer.status === 404 && probe.mayBeAbsent?.(sentAtMs)
        ? { exact: true, answer: 'status 404: the page needs events acknowledged < 1 s before' }
        : { exact: false, answer: `status ${answer.status}` };
  return { status: answer.status, ms: answer.ms, rcu: answer.rcu, estimated: answer.estimated, verdict: checked };
}
