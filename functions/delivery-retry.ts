// The retry runner: scheduled in AWS (every minute), a timer locally. It runs the deliveries
// that are due, stopping in time to finish within the Lambda's own deadline.
import type { Context } from 'aws-lambda';
import { runDueDeliveries } from '../lib/dispatch/retry.ts';
import { dispatchDeps, postRunnerDeps } from './deps.ts';
import { logger } from './logger.ts';

const deps = dispatchDeps(postRunnerDeps(), logger);
// One run may take the webhook timeout (10 s) and its bookkeeping.
const reserveMs = 15_000;

export async function handler(_event: unknown, context?: Context) {
  if (context) logger.addContext(context);
  const until = context ? Date.now() + context.getRemainingTimeInMillis() - reserveMs : undefined;
  return { taken: await runDueDeliveries(deps, { until }) };
}
