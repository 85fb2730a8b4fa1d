// Read units of one Onegini page (`limit=50`) at growing offsets for an actor with 20 000
// events, and of `totalResults`, through the search code path the route runs.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newEvent } from '../lib/events/event.ts';
import { searchEventsBySubject, subjectSearchQuery } from '../lib/events/search.ts';
import { eventLog } from '../lib/store/event-log.ts';
import { eventPut } from '../lib/store/events.ts';
import { type Cell, printTable } from './report.ts';
import { sampleEvent } from './sample.ts';
import { documents, meter, tableName } from './store.ts';

const actor = 'bench-onegini-actor';
const eventCount = 20_000;

/** Writes the events with BatchWriteItem, each item built by the store's own item builder. */
async function seed() {
  const started = performance.now();
  const now = Date.now();
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < eventCount; i++) {
    const event = newEvent(sampleEvent(actor, i), new Date(now - (eventCount - i) * 1000), 365);
    items.push(eventPut(event).Put.Item);
  }
  let next = 0;
  const writer = async () => {
    for (let start = next; start < items.length; start = next) {
      next += 25;
      let pending: Record<string, unknown>[] = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
  return (performance.now() - started) / 1000;
}

export async function oneginiCost() {
  const seconds = await seed();
  console.log(
    `\nseeded ${eventCount.toLocaleString('en-US')} events for one actor in ${seconds.toFixed(1)} s (BatchWriteItem)`,
  );

  const cases: [string, string, string][] = [
    ['page offset=0', '50', '0'],
    ['page offset=1000', '50', '1000'],
    ['page offset=10000', '50', '10000'],
    // An empty page past the end: what totalResults alone costs.
    ['totalResults only (limit=1, offset=20000)', '1', String(eventCount)],
  ];
  const rows: Cell[][] = [];
  const figures: Record<string, number> = {};
  for (const [name, limit, offset] of cases) {
    const search = subjectSearchQuery.parse({ actor, limit, offset });
    const started = performance.now();
    const { value: found, usage } = await meter.measure(() =>
      searchEventsBySubject(eventLog({ readBudget: 1000 }), search),
    );
    const value = found.body;
    const ms = performance.now() - started;
    if (value.pagination.totalResults !== eventCount) throw new Error(`totalResults ${value.pagination.totalResults}`);
    const bytes = Buffer.byteLength(JSON.stringify(value));
    const pages = bytes / 4096;
    rows.push([
      name,
      value.resultSet.length,
      [...usage.requests].map(([command, count]) => `${count} ${command}`).join(' + '),
      usage.byCommand.get('Query') ?? 0,
      usage.byCommand.get('BatchGetItem') ?? 0,
      usage.total,
      bytes,
      pages,
      usage.total / pages,
      ms,
    ]);
    figures[name] = usage.total;
  }
  printTable(
    `Read units of GET /api/events for an actor with ${eventCount.toLocaleString('en-US')} events (eventually consistent reads)`,
    [
      'query',
      'results',
      'requests',
      'Query RCU',
      'BatchGetItem RCU',
      'total RCU',
      'response B',
      'B / 4 KB',
      'RCU ÷ (B / 4 KB)',
      'ms (local)',
    ],
    rows,
  );
  console.log('target: a page costs the same at every offset (stretch: within 2× of response bytes / 4 KB)');
  return figures;
}
