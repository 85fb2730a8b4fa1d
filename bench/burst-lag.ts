// The live seal's lag as a reader sees it: the brand's count (every event has the brand) against
// the events acknowledged before the read was sent.
import { setTimeout as sleep } from 'node:timers/promises';
import { brand, type Truth } from './burst-events.ts';
import { call } from './burst-http.ts';
import type { ListBody } from './burst-probes.ts';
import type { BenchService } from './service.ts';

export const countPath = `/events/events/?page_size=1&brand_name=${brand}`;

export interface LagSample {
  status: number;
  /** Events acknowledged before the read that its count left out. */
  behind: number;
  /** How long before the read the first of them was acknowledged (0 when none). */
  seconds: number;
  ms: number;
  estimated: string | null;
}

async function sampleLag(service: BenchService, truth: Truth): Promise<LagSample> {
  const sentAt = Date.now();
  const acknowledged = truth.total;
  const answer = await call(service, countPath);
  const counted = answer.status === 200 ? (answer.body as ListBody).pagination.count : 0;
  const firstLeftOut = truth.acknowledgedAt[counted];
  return {
    status: answer.status,
    behind: Math.max(0, acknowledged - counted),
    seconds: counted < acknowledged && firstLeftOut !== undefined ? (sentAt - firstLeftOut) / 1000 : 0,
    ms: answer.ms,
    estimated: answer.estimated,
  };
}

/** Samples the lag every `everyMs` until `done` settles (while the events are posted). */
export async function watchLag(
  service: BenchService,
  truth: Truth,
  done: Promise<unknown>,
  everyMs = 1_000,
): Promise<LagSample[]> {
  let settled = false;
  const settle = () => {
    settled = true;
  };
  // A failure of `done` is its awaiter's to report.
  const finished = done.then(settle, settle);
  const samples: LagSample[] = [];
  while (!settled) {
    samples.push(await sampleLag(service, truth));
    await Promise.race([sleep(everyMs), finished]);
  }
  return samples;
}

/**
 * Reads the count every 100 ms until it holds every acknowledged event: the seconds from
 * `sinceMs` (the last 201) to that read's sending, or null after `timeoutMs`.
 */
export async function secondsUntilCounted(
  service: BenchService,
  truth: Truth,
  sinceMs: number,
  timeoutMs: number,
): Promise<number | null> {
  while (Date.now() - sinceMs < timeoutMs) {
    const sentAt = Date.now();
    if ((await sampleLag(service, truth)).behind === 0) return (sentAt - sinceMs) / 1000;
    await sleep(100);
  }
  return null;
}
