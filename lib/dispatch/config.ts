// Dispatch settings, read once per cold start. Defaults give 10 attempts spread over more than
// 24 hours (see retrySchedule); tests shrink them through the environment.
import { envInt } from '../config.ts';

export interface DispatchConfig {
  /** Runs of one action before its delivery is dead (the first run included). */
  maxAttempts: number;
  /** Delay after the first failure; doubled after each further one, capped at backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A running delivery is due again when its run has not finished after this long (a crashed run). */
  leaseMs: number;
  /** How long the bindings of one event name are reused before the index is read again. */
  bindingCacheMs: number;
  /** Handler-caused events at this depth trigger nothing. */
  maxDepth: number;
  deliveryRetentionDays: number;
  /** Due deliveries run per retry tick. */
  retryBatch: number;
  /**
   * The time all pre bindings of one event may take together (conditions included); a binding
   * still running when it is spent is skipped and recorded as failed. Well below the route
   * function's timeout: the store and the ledger of the runs come after it.
   */
  preBudgetMs: number;
}

/** PRE_BINDINGS_BUDGET_MS when unset: twice it (runs, then ledger) ends 3 s before the 10 s route timeout. */
export const defaultPreBudgetMs = 3_000;

export function readDispatchConfig(): DispatchConfig {
  return {
    maxAttempts: Math.max(1, envInt('DELIVERY_MAX_ATTEMPTS', 10)),
    backoffBaseMs: envInt('DELIVERY_BACKOFF_BASE_MS', 5 * 60_000),
    backoffMaxMs: envInt('DELIVERY_BACKOFF_MAX_MS', 8 * 3_600_000),
    leaseMs: envInt('DELIVERY_LEASE_MS', 2 * 60_000),
    bindingCacheMs: envInt('BINDING_CACHE_MS', 5_000),
    maxDepth: 3,
    deliveryRetentionDays: envInt('DELIVERY_RETENTION_DAYS', 30),
    retryBatch: Math.max(1, envInt('DELIVERY_RETRY_BATCH', 100)),
    preBudgetMs: Math.max(1, envInt('PRE_BINDINGS_BUDGET_MS', defaultPreBudgetMs)),
  };
}

/** Jitter adds up to this share on top of the nominal delay, so jitter never shortens the schedule. */
export const jitterShare = 0.2;

/** The nominal delay before attempt `attempt + 1`, after `attempt` failed runs (no jitter). */
export function nominalDelayMs(
  config: Pick<DispatchConfig, 'backoffBaseMs' | 'backoffMaxMs'>,
  attempt: number,
): number {
  return Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
}

/** The delay after `attempt` failed runs: exponential, capped, plus random jitter. */
export function retryDelayMs(
  config: Pick<DispatchConfig, 'backoffBaseMs' | 'backoffMaxMs'>,
  attempt: number,
  random = Math.random,
): number {
  const nominal = nominalDelayMs(config, attempt);
  return Math.round(nominal * (1 + jitterShare * random()));
}

/** The nominal delays between all attempts: their sum is the shortest time before a delivery is dead. */
export function retrySchedule(
  config: Pick<DispatchConfig, 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs'>,
): number[] {
  return Array.from({ length: config.maxAttempts - 1 }, (_, i) => nominalDelayMs(config, i + 1));
}
