// Posting the burst's events: concurrent clients, each sending its next event as soon as its
// last one was answered, no faster than a target rate; every 201 goes into the truth.
import { setTimeout as sleep } from 'node:timers/promises';
import { burstEvent, type Truth } from './burst-events.ts';
import { call } from './burst-http.ts';
import type { BenchService } from './service.ts';

export interface IngestOptions {
  clients: number;
  /** The number of the first event (burstEvent). */
  first: number;
  /** Stop after this many events, or after this many seconds. */
  until: { events: number } | { seconds: number };
  /** Target events per second over all clients; none is as fast as the service answers. */
  perSecond?: number;
}

export interface IngestRun {
  sent: number;
  created: number;
  /** Answers other than 201, by status, and requests that got no answer. */
  refused: Map<number, number>;
  failed: number;
  seconds: number;
  /** Date.now() of the last 201. */
  lastCreatedAt: number;
  /** Capacity the service spent on the 201s. */
  rcu: number;
  wcu: number;
}

export async function postEvents(service: BenchService, truth: Truth, options: IngestOptions): Promise<IngestRun> {
  const run: IngestRun = {
    sent: 0,
    created: 0,
    refused: new Map(),
    failed: 0,
    seconds: 0,
    lastCreatedAt: 0,
    rcu: 0,
    wcu: 0,
  };
  const started = performance.now();
  const endsAt = 'seconds' in options.until ? started + options.until.seconds * 1000 : Number.POSITIVE_INFINITY;
  const events = 'events' in options.until ? options.until.events : Number.POSITIVE_INFINITY;
  const client = async () => {
    while (run.sent < events) {
      const due = options.perSecond === undefined ? 0 : started + (run.sent * 1000) / options.perSecond;
      if (Math.max(due, performance.now()) >= endsAt) break;
      const i = run.sent++;
      if (due > performance.now()) await sleep(due - performance.now());
      const event = burstEvent(options.first + i);
      try {
        const answer = await call(service, '/events/events/', { method: 'POST', json: event });
        if (answer.status !== 201) {
          run.refused.set(answer.status, (run.refused.get(answer.status) ?? 0) + 1);
          continue;
        }
        run.lastCreatedAt = Date.now();
        truth.acknowledge(event, run.lastCreatedAt);
        run.created++;
        run.rcu += answer.rcu;
        run.wcu += answer.wcu;
      } catch {
        run.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  run.seconds = (performance.now() - started) / 1000;
  return run;
}
