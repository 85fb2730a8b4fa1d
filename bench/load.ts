// A mixed load against the local service: ingest, Onegini and authentik searches, binding reads
// and writes, 16 concurrent clients. Then every acknowledged (201) event is read back.
import autocannon, { type RequestSpec } from 'autocannon';
import { type Cell, printTable } from './report.ts';
import { sampleEvent } from './sample.ts';
import { type BenchService, callService, startBenchService } from './service.ts';

const clients = 16;
const actors = 100;
const bindingCount = clients;

// Bindings on an event name the load never sends: their writes and reads are load, not dispatch.
const binding = (n: number) => ({
  name: `bench load ${n}`,
  event: 'custom_bench_unused',
  handlermodule: 'WebHook',
  action: 'post_webhook',
  'option.URL': 'https://hooks.example/in',
  'option.content_type': 'application/json',
});

/** Reads every event back by id (16 at a time); returns the ids not found. */
async function missingEvents(service: BenchService, ids: string[]): Promise<string[]> {
  const missing: string[] = [];
  let next = 0;
  const reader = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const answer = await callService(service, 'GET', `/events/events/${id}/`);
      if (answer.status !== 200 || answer.body?.pk !== id) missing.push(id);
    }
  };
  await Promise.all(Array.from({ length: clients }, reader));
  return missing;
}

export async function mixedLoad(endpoint: string, seconds: number) {
  const service = await startBenchService(endpoint);
  try {
    const bindingIds: number[] = [];
    for (let n = 0; n < bindingCount; n++) {
      const answer = await callService(service, 'POST', '/event', binding(n));
      if (answer.status !== 200)
        throw new Error(`binding create answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      bindingIds.push(answer.body.result.value as number);
    }
    for (let n = 0; n < actors; n++) {
      const answer = await callService(service, 'POST', '/events/events/', sampleEvent(`load-user-${n}`, n));
      if (answer.status !== 201) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }

    const acknowledged: string[] = [];
    let unreadable = 0;
    let sent = 0;
    const someActor = () => `load-user-${Math.floor(Math.random() * actors)}`;
    const someBinding = () => bindingIds[sent++ % bindingIds.length] as number;
    const ingest: RequestSpec = {
      method: 'POST',
      path: '/events/events/',
      setupRequest: (request) => ({ ...request, body: JSON.stringify(sampleEvent(someActor(), sent++)) }),
      onResponse: (status, body) => {
        if (status !== 201) return;
        try {
          acknowledged.push((JSON.parse(body) as { pk: string }).pk);
        } catch {
          unreadable++;
        }
      },
    };
    const requests: RequestSpec[] = [
      ingest,
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `/api/events?actor=${someActor()}&limit=20&offset=0` }),
      },
      ingest,
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `/events/events/?username=${someActor()}&page_size=20` }),
      },
      { method: 'GET', path: '/event/' },
      { method: 'GET', setupRequest: (request) => ({ ...request, path: `/event/${someBinding()}` }) },
      {
        method: 'POST',
        path: '/event',
        setupRequest: (request) => {
          const id = someBinding();
          return { ...request, body: JSON.stringify({ id, ...binding(id), name: `bench load ${id} v${sent}` }) };
        },
      },
    ];
    const result = await autocannon({
      url: service.url,
      connections: clients,
      duration: seconds,
      headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
      requests,
    });
    const missing = await missingEvents(service, acknowledged);
    const total = result.requests.total;
    const statuses = Object.entries(result.statusCodeStats)
      .map(([status, { count }]) => `${status}×${count}`)
      .join(' ');
    const rows: Cell[][] = [
      [
        clients,
        result.duration,
        total,
        total / result.duration,
        result.latency.p50,
        result.latency.p99,
        result.errors,
        result.timeouts,
        result.non2xx,
        statuses,
      ],
    ];
    printTable(
      `Mixed load through the local gateway (per client loop: 2 ingest, 1 Onegini search, 1 authentik search by username, binding list, binding read, binding update)`,
      ['clients', 's', 'requests', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'timeouts', 'non-2xx', 'statuses'],
      rows,
    );
    printTable(
      'Acknowledged events read back afterwards (GET /events/events/{uuid}/)',
      ['acknowledged (201)', 'checked', 'missing', 'unreadable 201 bodies'],
      [[acknowledged.length, acknowledged.length, missing.length, unreadable]],
    );
    if (service.errors.length > 0)
      console.log(`the service logged ${service.errors.length} stderr lines, first: ${service.errors[0]}`);
    return {
      requestsPerSecond: total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      acknowledged: acknowledged.length,
      missing: missing.length,
    };
  } finally {
    await service.stop();
  }
}
