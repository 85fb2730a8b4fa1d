// The reads an operator makes after a burst, each with what its answer must be (the truth):
// authentik's list (count, first and last pages, indexed filters), Onegini's search (first and
// deep offsets) and two analytics answers (only timed, but for the stats' step count).
import { brand, heavy, type Truth, truthKey } from './burst-events.ts';
import { call } from './burst-http.ts';
import { formatNumber } from './report.ts';
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
  /** Compares a 200 answer with the truth; none when the probe is only timed. */
  check?: (body: unknown) => Verdict;
}

export interface Measured {
  status: number;
  ms: number;
  rcu: number;
  estimated: string | null;
  verdict: Verdict | null;
}

function verdict(figures: [name: string, got: number, truth: number][]): Verdict {
  return {
    exact: figures.every(([, got, truth]) => got === truth),
    answer: figures
      .map(([name, got, truth]) => `${name} ${formatNumber(got)}${got === truth ? '' : `≠${formatNumber(truth)}`}`)
      .join(', '),
  };
}

export interface ListBody {
  pagination: { count: number; total_pages: number };
  results: unknown[];
}

/** `GET /events/events/?query`: the count, the pages and the length of page `page`. */
function listProbe(query: string, count: number, size: number, page = 1, keyQuery = query): Probe {
  return {
    key: `list ?${keyQuery}`,
    path: `/events/events/?${query}`,
    check: (body) => {
      const { pagination, results } = body as ListBody;
      return verdict([
        ['count', pagination.count, count],
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
function oneginiProbe(query: string, total: number, offset = 0, offsetName = String(offset)): Probe {
  const limit = 20;
  return {
    key: `onegini ?${query}&limit=${limit}&offset=${offsetName}`,
    path: `/api/events?${query}&limit=${limit}&offset=${offset}`,
    basic: true,
    check: (body) => {
      const { resultSet, pagination } = body as OneginiBody;
      return verdict([
        ['totalResults', pagination.totalResults, total],
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
  const heavyCount = truth.count(truthKey.actor(heavy));
  const last = (size: number) => Math.max(1, Math.ceil(total / size));
  const deep = Math.max(0, heavyCount - 5);
  return [
    listProbe(`page_size=1&brand_name=${brand}`, total, 1),
    listProbe('page_size=20&page=1', total, 20),
    listProbe(`page_size=20&page=${last(20)}`, total, 20, last(20), 'page_size=20&page=<last>'),
    listProbe(
      `page_size=100&brand_name=${brand}&page=${last(100)}`,
      total,
      100,
      last(100),
      `page_size=100&brand_name=${brand}&page=<last>`,
    ),
    listProbe('page_size=20&action=login_failed', truth.count(truthKey.action('login_failed')), 20),
    listProbe(
      'page_size=20&actions=login&actions=logout',
      truth.count(truthKey.action('login')) + truth.count(truthKey.action('logout')),
      20,
    ),
    listProbe(`page_size=20&username=${heavy}`, heavyCount, 20),
    listProbe('page_size=20&client_ip=192.0.2.7', truth.count(truthKey.address('192.0.2.7')), 20),
    oneginiProbe(`actor=${heavy}`, heavyCount),
    oneginiProbe(`actor=${heavy}`, heavyCount, deep, '<heavy−5>'),
    oneginiProbe('userId=p-1', truth.count(truthKey.person('p-1'))),
    oneginiProbe(`actor=${heavy}&userId=p-1`, truth.count(truthKey.actorPerson(heavy, 'p-1'))),
    { key: 'volume', path: '/events/events/volume/' },
    {
      key: 'stats ?count_steps=hours=1',
      path: '/events/events/stats/?count_steps=hours=1',
      check: (body) =>
        verdict([['hours1', (body as StatsBody).count_step.hours1 ?? 0, truth.since(nowMs - 3_600_000)]]),
    },
  ];
}

export async function measure(service: BenchService, probe: Probe): Promise<Measured> {
  const answer = await call(service, probe.path, { basic: probe.basic });
  const checked = !probe.check
    ? null
    : answer.status === 200
      ? probe.check(answer.body)
      : { exact: false, answer: `status ${answer.status}` };
  return { status: answer.status, ms: answer.ms, rcu: answer.rcu, estimated: answer.estimated, verdict: checked };
}
