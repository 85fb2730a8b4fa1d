// The live seal: keeps the minutes the seal has not reached yet, provisionally, so that counts
// and pages are exact right after a burst (docs/data-model.md "The live log"). Locally a timer
// calls one pass at a time; in AWS a one-minute schedule runs passes until its time is spent.
import type { Context } from 'aws-lambda';
import { envInt } from '../lib/config.ts';
import { liveSealDelayMs } from '../lib/store/late-writes.ts';
import { releaseLiveLease, sealLive } from '../lib/store/live-seal.ts';

/** Time between passes inside one scheduled run; after a pass that found nothing, the longer idle wait (each pass writes the lease and the mark). */
const passMs = envInt('LIVE_SEAL_PASS_MS', 250);
const idlePassMs = envInt('LIVE_SEAL_IDLE_PASS_MS', 1_000);
// Leave time for the pass in progress.
const reserveMs = 5_000;

export async function handler(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  if (!context) return sealLive({ nowMs: Date.now(), delayMs: liveSealDelayMs() });
  const untilMs = Date.now() + context.getRemainingTimeInMillis() - reserveMs;
  let passes = 0;
  while (Date.now() < untilMs) {
    const started = Date.now();
    const pass = await sealLive({ nowMs: started, delayMs: liveSealDelayMs() });
    passes++;
    const waitMs = pass && pass.events === 0 ? idlePassMs : passMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs - (Date.now() - started))));
  }
  await releaseLiveLease();
  return { passes };
}
