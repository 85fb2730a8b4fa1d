// Delivery outcomes per handler module as CloudWatch embedded metric format (EMF), written by
// Powertools Metrics: one JSON line per module and flush on stdout, which CloudWatch Logs turns
// into metrics without any API call.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { StructuredLog } from '../log.ts';

export const deliveryOutcomes = ['succeeded', 'failed', 'dead'] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

export const defaultMetricsNamespace = 'IdpEventHub';

export interface DeliveryMetrics {
  count(module: string, outcome: DeliveryOutcome): void;
  /** Writes what was counted since the last flush (nothing when nothing was). */
  flush(): void;
}

export function deliveryMetrics(options: {
  namespace: string;
  /** Where Powertools reports a metric it refuses or will not publish. */
  log?: StructuredLog;
  /** The metrics' time (epoch ms); the time of the flush without it. */
  now?: () => number;
}): DeliveryMetrics {
  const metrics = new Metrics({ namespace: options.namespace, logger: options.log });
  // No `service` dimension: each line has the dimension sets [module] and [] (the total over
  // all modules, which the dead-deliveries alarm in infra/dispatch.ts reads).
  metrics.clearDefaultDimensions();
  const counts = new Map<string, Record<DeliveryOutcome, number>>();
  return {
    count(module, outcome) {
      const entry = counts.get(module) ?? { succeeded: 0, failed: 0, dead: 0 };
      entry[outcome] += 1;
      counts.set(module, entry);
    },
    flush() {
      for (const [module, entry] of counts) {
        metrics.addDimension('module', module).addDimensions({});
        for (const outcome of deliveryOutcomes) metrics.addMetric(outcome, MetricUnit.Count, entry[outcome]);
        if (options.now) metrics.setTimestamp(options.now());
        metrics.publishStoredMetrics();
      }
      counts.clear();
    },
  };
}
