import { afterEach, describe, expect, it } from 'vitest';
import { jitterShare, readDispatchConfig, retryDelayMs, retrySchedule } from '../../../lib/dispatch/config.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('retry schedule', () => {
  it('by default makes at least 8 attempts spread over at least 24 hours', () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('DELIVERY_')) delete process.env[name];
    const config = readDispatchConfig();
    expect(config.maxAttempts).toBeGreaterThanOrEqual(8);
    const total = retrySchedule(config).reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3_600_000);
    // exponential, then capped
    const schedule = retrySchedule(config);
    expect(schedule[1]).toBe(2 * (schedule[0] as number));
    expect(Math.max(...schedule)).toBe(config.backoffMaxMs);
  });

  it('adds jitter on top of the nominal delay, never below it', () => {
    const config = { backoffBaseMs: 1000, backoffMaxMs: 60_000 };
    expect(retryDelayMs(config, 3, () => 0)).toBe(4000);
    expect(retryDelayMs(config, 3, () => 0.999999)).toBeLessThanOrEqual(4000 * (1 + jitterShare));
    expect(retryDelayMs(config, 10, () => 0)).toBe(60_000);
  });

  it('is configurable through the environment, refusing bad values by name', () => {
    process.env.DELIVERY_MAX_ATTEMPTS = '3';
    process.env.DELIVERY_BACKOFF_BASE_MS = '50';
    expect(readDispatchConfig()).toMatchObject({ maxAttempts: 3, backoffBaseMs: 50 });
    process.env.DELIVERY_MAX_ATTEMPTS = 'many';
    expect(() => readDispatchConfig()).toThrow('DELIVERY_MAX_ATTEMPTS');
  });
});
