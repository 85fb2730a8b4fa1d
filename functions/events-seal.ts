// The seal: scheduled in AWS (every minute), a timer locally. It seals each minute once no
// ingest can still write into it, keeping the rollups that counts come from (docs/data-model.md).
import type { Context } from 'aws-lambda';
import { envInt } from '../lib/config.ts';
import { sealMinutes } from '../lib/store/seal.ts';

/** How old a minute must be before it is sealed: longer than any ingest runs (30 s). */
const delayMs = envInt('SEAL_DELAY_MS', 90_000);
// Leave time to write the seal mark of the minute in progress.
const reserveMs = 10_000;

export async function handler(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const untilMs = context ? Date.now() + context.getRemainingTimeInMillis() - reserveMs : Date.now() + 50_000;
  return { sealed: await sealMinutes({ nowMs: Date.now(), delayMs, untilMs }) };
}
