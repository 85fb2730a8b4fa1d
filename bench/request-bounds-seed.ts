// Stores the request-bounds bench's events in a child process of its own (the store reads
// TABLE_NAME at import, and the table is the running service's):
//   TABLE_NAME=<the service's> node --import tsx bench/request-bounds-seed.ts '<json SeedOptions>'
// `history`: events (bench/request-bounds-events.ts) created in the given busy minutes, stored by
// eventStore.putMany, then sealed (sealMinutes until it returns 0). `now`: events created as they
// are written and followed by what ingest runs after a write (afterEventsWritten: the live seal's
// late-write note, the action's month), stored by putMany, left unsealed: the table as ingest
// leaves it, faster than the local gateway takes events. Prints its figures as JSON.
import { newEvent } from '../lib/events/event.ts';
import { boundsEvent } from './request-bounds-events.ts';

export type SeedOptions =
  | {
      mode: 'history';
      first: number;
      count: number /** Minute starts (ms) the events are spread over. */;
      minutes: number[];
    }
  | { mode: 'now'; first: number; count: number };

export interface SeedFigures {
  seedSeconds: number;
  sealSeconds: number;
  sealedMinutes: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as SeedOptions;
if (!process.env.DYNAMODB_ENDPOINT || !process.env.TABLE_NAME)
  throw new Error('request-bounds-seed needs DYNAMODB_ENDPOINT and TABLE_NAME');
const { eventStore } = await import('../lib/store/events.ts');
const { afterEventsWritten } = await import('../lib/store/events-written.ts');
const { sealMinutes } = await import('../lib/store/seal.ts');

const batchSize = 25;
const numbers = Array.from({ length: options.count }, (_, i) => options.first + i);
const batches: number[][] = [];
for (let i = 0; i < numbers.length; i += batchSize) batches.push(numbers.slice(i, i + batchSize));

/** When event `n` (the i-th of the history) was created: spread evenly over the busy minutes. */
function historyTime(minutes: number[], i: number): Date {
  const perMinute = Math.ceil(options.count / minutes.length);
  const minute = minutes[i % minutes.length] as number;
  return new Date(minute + Math.floor((Math.floor(i / minutes.length) * 60_000) / perMinute));
}

const started = performance.now();
const writer = async () => {
  for (let batch = batches.shift(); batch; batch = batches.shift()) {
    const events = batch.map((n) =>
      newEvent(
        boundsEvent(n),
        options.mode === 'history' ? historyTime(options.minutes, n - options.first) : new Date(),
        365,
      ),
    );
    await eventStore.putMany(events);
    if (options.mode === 'now') await afterEventsWritten(events);
  }
};
await Promise.all(Array.from({ length: 6 }, writer));
const seedSeconds = (performance.now() - started) / 1000;

const sealStarted = performance.now();
let sealedMinutes = 0;
while (options.mode === 'history') {
  const sealed = await sealMinutes({ nowMs: Date.now(), delayMs: 90_000, maxMinutes: 10_000_000 });
  if (sealed === 0) break;
  sealedMinutes += sealed;
}
const figures: SeedFigures = { seedSeconds, sealSeconds: (performance.now() - sealStarted) / 1000, sealedMinutes };
console.log(JSON.stringify(figures));
// Open sockets of the SDK clients would keep the process alive.
process.exit(0);
