import { describe, expect, it } from 'vitest';
import { deliveryMetrics } from '../../../lib/dispatch/metrics.ts';
import { outputOf } from '../../helpers/output.ts';

describe('delivery metrics', () => {
  it('writes one CloudWatch embedded-metric line per module, with a module dimension and an all-modules total', () => {
    const warnings: string[] = [];
    const quiet = (message: string) => warnings.push(message);
    const metrics = deliveryMetrics({
      namespace: 'IdpEventHub/dev',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      now: () => 1_000,
    });
    metrics.count('WebHook', 'succeeded');
    metrics.count('WebHook', 'failed');
    metrics.count('WebHook', 'dead');
    metrics.count('Counter', 'succeeded');
    const lines = outputOf(() => metrics.flush());
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        _aws: {
          Timestamp: 1_000,
          CloudWatchMetrics: [
            {
              Namespace: 'IdpEventHub/dev',
              Dimensions: [['module'], []],
              Metrics: [
                { Name: 'succeeded', Unit: 'Count' },
                { Name: 'failed', Unit: 'Count' },
                { Name: 'dead', Unit: 'Count' },
              ],
            },
          ],
        },
        module: 'WebHook',
        succeeded: 1,
        failed: 1,
        dead: 1,
      },
      expect.objectContaining({ module: 'Counter', succeeded: 1, failed: 0, dead: 0 }),
    ]);
    expect(outputOf(() => metrics.flush())).toEqual([]);
  });
});
