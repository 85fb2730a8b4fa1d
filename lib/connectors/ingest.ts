// A connector's ingest: the request is opened by the connector's own secret, mapped into events
// (lib/connectors/mapping.ts) and each event runs the ingest of POST /events/events/ (masking,
// pre bindings, counters), claimed by its native id so that a redelivery stores nothing twice;
// the request's events are written together, a few to a transaction (`ingestBatch`).
import { DomainError } from '../errors.ts';
import type { Event } from '../events/event.ts';
import { type BatchIngest, type IngestOptions, type IngestStore, ingestBatch } from '../events/ingest.ts';
import { normalUuid } from '../matchers/policy.ts';
import type { Connector } from './connector.ts';
import type { ConnectorStore } from './connectors.ts';
import {
  type IngestRequest,
  MalformedRequest,
  type MappedEvent,
  mapIngestRequest,
  type SkippedRecord,
} from './mapping.ts';
import { presentedSecret, secretMatches } from './secret.ts';

/** Counts what a connector received (its `received` and `last_received`). */
export interface ReceivedCounter {
  noteReceived(uuid: string, stored: number, at: string): Promise<void>;
}

export interface ConnectorIngestDeps {
  connectors: Pick<ConnectorStore, 'get'> & ReceivedCounter;
  ingest: IngestStore;
  retentionDays: number;
  pre?: IngestOptions['pre'];
  now?: () => Date;
}

/** A request's body at most (Okta, Auth0 and CloudEvents batches stay well under it). */
export const maxIngestBytes = 1024 * 1024;

/** One event as stored: as large and as deep as POST /events/events/ takes (README "Request limits"). */
export const maxEventBytes = 64 * 1024;
export const maxEventDepth = 32;

/** Levels of objects and arrays in a value (the value itself counting as one), walked without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const inner of Object.values(node)) stack.push([inner, depth + 1]);
  }
  return deepest;
}

/** Why a well-formed record cannot be stored as one event, or null. */
function tooBig(mapped: MappedEvent): string | null {
  if (Buffer.byteLength(JSON.stringify(mapped.input)) > maxEventBytes) {
    return `the event would be larger than ${maxEventBytes} bytes`;
  }
  if (depthOf(mapped.input) > maxEventDepth) return `the event would nest deeper than ${maxEventDepth} levels`;
  return null;
}

/** How long a native id is remembered: a redelivery within it stores nothing new. */
export const nativeIdDays = 7;

export interface IngestReply {
  stored: number;
  duplicates: number;
  skipped: { position: number; native_id: string | null; reason: string }[];
  events: string[];
}

const refused = () => new DomainError('auth.unauthenticated', 'Invalid connector credentials.');

/** The connector a request may ingest into: known, enabled, and opened by its own secret. */
async function openedConnector(deps: ConnectorIngestDeps, uuidText: string, authorization: string | undefined) {
  const secret = presentedSecret(authorization);
  const uuid = normalUuid(uuidText);
  const connector = uuid === null || secret === null ? null : await deps.connectors.get(uuid);
  // One answer for an unknown, disabled or wrongly opened connector: nothing to learn from it.
  if (!connector?.enabled || !secretMatches(secret as string, connector.secretHash)) throw refused();
  return connector;
}

/** Okta's one-time verification: the challenge header echoed, once the secret opens the connector. */
export async function verifyConnector(
  deps: ConnectorIngestDeps,
  uuidText: string,
  authorization: string | undefined,
  challenge: string | undefined,
) {
  await openedConnector(deps, uuidText, authorization);
  if (!challenge) throw new DomainError('input.malformed', 'Missing header X-Okta-Verification-Challenge.');
  return { verification: challenge };
}

/** The ingest of one mapped record: claimed by its native id, its provenance the connector's. */
function batchIngest(deps: ConnectorIngestDeps, connector: Connector, mapped: MappedEvent): BatchIngest {
  return {
    input: mapped.input,
    options: {
      // Created as it is written, as POST /events/events/ does (a write long after its `created`
      // is a late write the live seal is told of: lib/store/late-writes.ts).
      now: deps.now?.() ?? new Date(),
      provenance: {
        ingested_by: { connector: connector.pk, kind: connector.kind },
        native_id: mapped.nativeId,
        attested: true,
      },
      retentionDays: deps.retentionDays,
      pre: deps.pre,
      idempotency: {
        admin: `connector:${connector.pk}`,
        key: mapped.nativeId,
        ttlSeconds: nativeIdDays * 86_400,
        keeps: 'id',
      },
    },
  };
}

const skippedView = (record: SkippedRecord) => ({
  position: record.position,
  native_id: record.nativeId ?? null,
  reason: record.reason,
});

/** A malformed request is refused whole with 400 naming the problem: nothing of it is stored. */
function mapped400<T>(map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (error instanceof MalformedRequest) throw new DomainError('input.malformed', error.message);
    throw error;
  }
}

export async function ingestFromConnector(
  deps: ConnectorIngestDeps,
  uuidText: string,
  authorization: string | undefined,
  request: IngestRequest,
): Promise<IngestReply> {
  const connector = await openedConnector(deps, uuidText, authorization);
  const mapped = mapped400(() => mapIngestRequest(connector.kind, request));
  const reply: IngestReply = { stored: 0, duplicates: 0, skipped: mapped.skipped.map(skippedView), events: [] };
  const storable = mapped.events.filter((event) => {
    const problem = tooBig(event);
    if (problem !== null) reply.skipped.push({ position: event.position, native_id: event.nativeId, reason: problem });
    return problem === null;
  });
  // In a few transactions; a failure answers 5xx, and the platform's retry stores what is missing, nothing twice.
  const results = await ingestBatch(
    deps.ingest,
    storable.map((event) => batchIngest(deps, connector, event)),
  );
  for (const result of results) {
    if (result.replayed) reply.duplicates++;
    else reply.stored++;
    const pk = (result.body as Pick<Event, 'pk'> | undefined)?.pk;
    if (pk) reply.events.push(pk);
  }
  reply.skipped.sort((a, b) => a.position - b.position);
  if (reply.stored > 0) await deps.connectors.noteReceived(connector.pk, reply.stored, new Date().toISOString());
  return reply;
}
