// Connector ingest as a platform sees it (issue 21 item 4: 100 events answered within 1 s
// locally; Okta gives up after 3 s): an Okta Event Hook delivery of 100 System Log events posted
// to /ingest/{uuid} through the local gateway, then the same delivery again (every native id
// stored before), timed and with the capacity the service spent on each (LOCAL_CAPACITY_HEADER=1).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { call } from './burst-http.ts';
import { startBenchService } from './service.ts';

const runs = 5;
const eventsPerDelivery = 100;

/** Okta's published Event Hook delivery (test/lib/connectors/fixtures) with 100 events of fresh ids. */
function oktaDelivery(): string {
  const sample = JSON.parse(
    readFileSync(new URL('../test/lib/connectors/fixtures/okta/event-hook-delivery.json', import.meta.url), 'utf8'),
  ) as { data: { events: Record<string, unknown>[] } };
  const template = sample.data.events[0] as Record<string, unknown>;
  const events = Array.from({ length: eventsPerDelivery }, () => ({ ...template, uuid: randomUUID() }));
  return JSON.stringify({ ...sample, data: { ...sample.data, events } });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function connectorIngestFigures(endpoint: string): Promise<void> {
  const service = await startBenchService(endpoint, { LOCAL_CAPACITY_HEADER: '1' });
  try {
    const created = await call(service, '/connectors/', { method: 'POST', json: { name: 'bench okta', kind: 'okta' } });
    const { pk, secret } = created.body as { pk: string; secret: string };
    const post = async (body: string) => {
      const started = performance.now();
      const response = await fetch(`${service.url}/ingest/${pk}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
      });
      const answer = (await response.json()) as { stored: number; duplicates: number };
      return {
        status: response.status,
        ms: performance.now() - started,
        wcu: Number(response.headers.get('x-consumed-wcu')),
        rcu: Number(response.headers.get('x-consumed-rcu')),
        ...answer,
      };
    };
    const first: Awaited<ReturnType<typeof post>>[] = [];
    const again: Awaited<ReturnType<typeof post>>[] = [];
    for (let i = 0; i < runs; i++) {
      const body = oktaDelivery();
      first.push(await post(body));
      again.push(await post(body));
    }
    console.log(`${eventsPerDelivery} Okta events a delivery, ${runs} deliveries, each then redelivered:`);
    for (const [label, rows] of [
      ['first delivery', first],
      ['redelivery', again],
    ] as const) {
      const stored = rows.reduce((sum, row) => sum + row.stored, 0);
      const duplicates = rows.reduce((sum, row) => sum + row.duplicates, 0);
      console.log(
        `  ${label}: status ${[...new Set(rows.map((row) => row.status))].join('/')}, median ${median(rows.map((row) => row.ms)).toFixed(0)} ms, max ${Math.max(...rows.map((row) => row.ms)).toFixed(0)} ms; stored ${stored}, duplicates ${duplicates}; ${(median(rows.map((row) => row.wcu)) / eventsPerDelivery).toFixed(2)} WCU and ${(median(rows.map((row) => row.rcu)) / eventsPerDelivery).toFixed(2)} RCU per event`,
      );
    }
  } finally {
    await service.stop();
  }
}
