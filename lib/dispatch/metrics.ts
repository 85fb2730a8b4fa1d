// Delivery outcomes per handler module as CloudWatch embedded metric format (EMF) lines: one
// JSON line per flush, which CloudWatch Logs turns into metrics without any API call.
export const deliveryOutcomes = ['succeeded', 'failed', 'dead'] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

export const defaultMetricsNamespace = 'IdpEventHub';

export interface DeliveryMetrics {
  count(module: string, outcome: DeliveryOutcome): void;
  /** Writes what was counted since the last flush (nothing when nothing was). */
  flush(): void;
}

/** The EMF document for one module's counts; the empty dimension set also gives the total over all modules. */
export function metricLine(namespace: string, module: string, counts: Record<DeliveryOutcome, number>, time: number) {
  return JSON.stringify({
    _aws: {
      Timestamp: time,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['module'], []],
          Metrics: deliveryOutcomes.map((name) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    module,
    ...counts,
  });
}

export function deliveryMetrics(options: {
  namespace: string;
  writeLine(line: string): void;
  now?: () => number;
}): DeliveryMetrics {
  const counts = new Map<string, Record<DeliveryOutcome, number>>();
  return {
    count(module, outcome) {
      const entry = counts.get(module) ?? { succeeded: 0, failed: 0, dead: 0 };
      entry[outcome] += 1;
      counts.set(module, entry);
    },
    flush() {
      const time = (options.now ?? Date.now)();
      for (const [module, entry] of counts) options.writeLine(metricLine(options.namespace, module, entry, time));
      counts.clear();
    },
  };
}
