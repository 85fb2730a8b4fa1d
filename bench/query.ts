// Query language (issue 12 item 6): evaluation throughput of a 10-term query on plain event
// objects in memory, beside a 3-term query, a cidr() query and authentik's plain search; the
// parse cost of the 10-term query. Nothing is stored: lib/query is pure.
import { newEvent } from '../lib/events/event.ts';
import { compilePlainSearch, compileQuery, parseQuery, printQuery, type Query } from '../lib/query/akql.ts';
import { printTable } from './report.ts';
import { sampleEvent } from './sample.ts';

const eventCount = 10_000;
const measureMs = 1_000;

const queries: Record<string, string> = {
  '10 terms': [
    'action in ("login_failed", "login")',
    'app startswith "authentik."',
    'user.username ~ "bench"',
    'user.pk >= 4000',
    'context.geo.country = "NL"',
    'context.asn.asn != 0',
    'client_ip in cidr("192.0.2.0/24", "2001:db8::/32")',
    'created >= "2026-01-01"',
    'brand.name = "authentik-default"',
    '(context.reason !~ "expired" or context.attempt > 100)',
  ].join(' and '),
  '3 terms': 'action = "login_failed" and user.username = "bench-7" and context.geo.country = "NL"',
  'cidr only': 'client_ip in cidr("192.0.2.0/25", "10.0.0.0/8", "2001:db8::/32")',
};

function must(text: string): Query {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.query;
}

/** Events per second of `test` over the events, repeated for about `measureMs`. */
function throughput<T>(events: readonly T[], test: (event: T) => boolean): { perSecond: number; matched: number } {
  let matched = 0;
  for (const event of events) if (test(event)) matched++;
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < measureMs) {
    for (const event of events) test(event);
    done += events.length;
  }
  return { perSecond: done / ((performance.now() - started) / 1000), matched };
}

export function queryFigures() {
  const now = Date.now();
  const events = Array.from({ length: eventCount }, (_, n) =>
    newEvent(sampleEvent(`bench-${n % 50}`, n), new Date(now - n * 60_000), 365),
  );
  const rows: (string | number)[][] = [];
  for (const [name, text] of Object.entries(queries)) {
    const predicate = compileQuery(must(text));
    const { perSecond, matched } = throughput(events, predicate);
    rows.push([name, perSecond, `${matched} of ${events.length}`]);
  }
  const plain = compilePlainSearch('bench-7 login_failed');
  const { perSecond, matched } = throughput(events, plain);
  rows.push(['plain search, 2 words', perSecond, `${matched} of ${events.length}`]);
  printTable(
    `Query evaluation in memory (${eventCount} ~1 KB events, each query compiled once)`,
    ['query', 'events/s', 'matched'],
    rows,
  );

  const text = queries['10 terms'] as string;
  let parses = 0;
  const started = performance.now();
  while (performance.now() - started < measureMs / 2) {
    parseQuery(text);
    parses++;
  }
  const parseMicros = ((performance.now() - started) * 1000) / parses;
  printTable('Parsing', ['query', 'characters', 'µs per parse'], [['10 terms', text.length, parseMicros]]);
  console.log(`\n10-term query: ${printQuery(must(text))}`);
}
