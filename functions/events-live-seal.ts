// The live seal: keeps the minutes the seal has not reached yet, provisionally, so that counts
// and pages are exact right after a burst (docs/data-model.md "The live log"). Locally a timer
// calls one pass at a time; in AWS a one-minute schedule runs passes until its time is spent.
import type { Context } from 'aws-lambda';
import { envInt } from '../lib/config.ts';
import { liveSealDelayMs } from '../lib/store/late-writes.ts';
import { releaseLiveLease, sealLive } from '../lib/store/live-seal.ts';

/** Time between passes inside one scheduled run. */
const passMs = envInt('LIVE_SEAL_PASS_MS', 250);
// Leave time for the pass in progress.
const reserveMs = 5_000;

export async function handler(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  if (!context) return sealLive({ nowMs: Date.now(), delayMs: liveSealDelayMs() });
  const untilMs = Date.now() + context.getRemainingTimeInMillis() - reserveMs;
  let passes = 0;
  while (Date.now() < untilMs) {
    const started = Date.now();
    await sealLive({ nowMs: started, delayMs: liveSealDelayMs() });
    passes++;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, passMs - (Date.now() - started))));
  }
  await releaseLiveLease();
  return { passes };
}
