// Ingest throughput through the local gateway: one client, then 8 concurrent clients.
import autocannon from 'autocannon';
import { type Cell, printTable } from './report.ts';
import { sampleEvent } from './sample.ts';
import { callService, startBenchService } from './service.ts';

export async function ingestThroughput(endpoint: string, seconds: number) {
  const service = await startBenchService(endpoint);
  try {
    // Warm the functions and the engine: the first requests of a fresh service load modules.
    for (let i = 0; i < 20; i++) {
      const answer = await callService(service, 'POST', '/events/events/', sampleEvent('bench-warmup', i));
      if (answer.status !== 201) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const rows: Cell[][] = [];
    const figures: Record<number, number> = {};
    for (const clients of [1, 8]) {
      const result = await autocannon({
        url: `${service.url}/events/events/`,
        method: 'POST',
        headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(sampleEvent('bench-throughput', clients)),
        connections: clients,
        duration: seconds,
      });
      const created = result.statusCodeStats['201']?.count ?? 0;
      const perSecond = created / result.duration;
      figures[clients] = perSecond;
      rows.push([clients, created, perSecond, result.latency.p50, result.latency.p99, result.non2xx, result.errors]);
    }
    printTable(
      `Ingest throughput, POST /events/events/ through the local gateway (~1 KB events, ${seconds} s each)`,
      ['clients', 'events stored (201)', 'events/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
      rows,
    );
    return figures;
  } finally {
    await service.stop();
  }
}
