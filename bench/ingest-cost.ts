// Write units per ingested ~1 KB event, every index included, through the ingest code path.
import { ingestEvent } from '../lib/events/ingest.ts';
import { encodeBody } from '../lib/store/codec.ts';
import { eventStore } from '../lib/store/events.ts';
import { tableDefinition } from '../lib/store/table.ts';
import type { Usage } from './capacity.ts';
import { type Cell, printTable } from './report.ts';
import { sampleEvent } from './sample.ts';
import { meter } from './store.ts';

// Every index of the table, so that each unit shows (an event writes the term indexes it has).
const indexes = ['table', ...tableDefinition.indexes.map((index) => index.name)];

export async function ingestCost() {
  const rows: Cell[][] = [];
  let eventBytes = 0;
  let storedBytes = 0;
  const row = (name: string, events: number, usage: Usage) => {
    const requests = [...usage.requests].map(([command, count]) => `${count / events} ${command}`).join(' + ');
    rows.push([
      name,
      events,
      ...indexes.map((target) => (usage.byTarget.get(target) ?? 0) / events),
      usage.writes / events,
      usage.reads / events,
      requests,
    ]);
  };

  // The first ingest of a container loads its modules and clients.
  let n = 0;
  const ingest = async (idempotencyKey?: string) => {
    const result = await ingestEvent(eventStore, sampleEvent('bench-ingest', n++), {
      now: new Date(),
      retentionDays: 365,
      provenance: { ingested_by: { admin: 'bench' }, native_id: null, attested: false },
      idempotency: idempotencyKey ? { admin: 'bench', key: idempotencyKey, ttlSeconds: 48 * 3600 } : undefined,
    });
    eventBytes = Buffer.byteLength(JSON.stringify(result.body));
    storedBytes = encodeBody(result.body).length;
  };
  row('first ingest of a container', 1, (await meter.measure(() => ingest())).usage);

  const count = 100;
  const plain = await meter.measure(async () => {
    for (let i = 0; i < count; i++) await ingest();
  });
  row('ingest', count, plain.usage);
  const keyed = await meter.measure(async () => {
    for (let i = 0; i < count; i++) await ingest(`bench-key-${i}`);
  });
  row('ingest with Idempotency-Key (transaction)', count, keyed.usage);

  // The whole route as the gateway runs it, in this process so the meter sees every request:
  // the authorizer's admin lookup, the pre bindings' lookup, the ingest.
  const { startGateway } = await import('../infra/local/gateway.ts');
  const { createAdmin } = await import('../lib/admins/admins.ts');
  const { policyActions } = await import('../lib/admins/policy-actions.ts');
  const { adminStore } = await import('../lib/store/admins.ts');
  const token = await createAdmin(adminStore, 'bench-ingest', [...policyActions]);
  const gateway = await startGateway();
  const post = async () => {
    const response = await fetch(`${gateway.url}/events/events/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleEvent('bench-ingest', n++)),
    });
    if (response.status !== 201) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  };
  try {
    await post(); // loads the route's modules
    const routed = await meter.measure(async () => {
      for (let i = 0; i < count; i++) await post();
    });
    row('POST /events/events/ through the local gateway', count, routed.usage);
  } finally {
    gateway.server.closeAllConnections();
    await gateway.close();
  }

  printTable(
    `Write units per ingested event (ReturnConsumedCapacity=INDEXES; event ${eventBytes} B as JSON, body ${storedBytes} B stored brotli-compressed)`,
    ['case', 'events', ...indexes.map((name) => `${name} WCU`), 'WCU/event', 'RCU/event', 'requests/event'],
    rows,
  );
  console.log(
    'target (issue 11 item 6): 1 WCU for the item + 1 per index entry; with the seal, ≤ 6 WCU per event at the mix (section scale)',
  );
  return {
    wcuPerEvent: plain.usage.total / count,
    keyedWcuPerEvent: keyed.usage.total / count,
    eventBytes,
    storedBytes,
  };
}
