// Event items as the table's stream carries them (NEW_IMAGE, in Lambda's JSON form: binary
// attributes arrive base64-encoded). The stream filter admits only INSERTs of keys EV#… (event items).
//   set-aside record   pk STREAM_FAILURE#<sequence number>  sk STREAM_FAILURE
//                      rpk STREAM_FAILURES  rsk <ISO time>#<sequence number>  (local poller only;
//                      in AWS the on-failure queue receives them)
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Event } from '../events/event.ts';
import { documents, tableName } from './client.ts';
import { decodeBody } from './codec.ts';
import { refIndex } from './table.ts';

/** The Lambda event filter pattern for the dispatcher's event source mapping (and the local poller). */
export const eventInsertFilter = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'EV#' }] } } },
} as const;

type Image = Record<string, { S?: string; B?: string | Uint8Array } | undefined>;

/** A stream record as Lambda delivers it (the fields dispatch reads). */
export interface StreamRecord {
  eventID?: string;
  eventName?: string;
  dynamodb?: { Keys?: unknown; NewImage?: unknown; SequenceNumber?: string };
}

/** The event in a stream record's NewImage; throws when the image is not a readable event item. */
export function eventOfImage(image: unknown): Event {
  const body = (image as Image | undefined)?.b?.B;
  if (body === undefined) throw new Error('stream image has no event body');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'base64') : body;
  return decodeBody<Event>(bytes);
}

/** The record's event with its shard (the item's partition key) and stream position (sequence number). */
export function streamedEventOf(record: StreamRecord): { event: Event; shard: string; position: string | null } {
  const keys = record.dynamodb?.Keys as { pk?: { S?: string } } | undefined;
  return {
    event: eventOfImage(record.dynamodb?.NewImage),
    shard: keys?.pk?.S ?? '',
    position: record.dynamodb?.SequenceNumber ?? null,
  };
}

/** A batch's stored events in stream order; a record that cannot be read is left to its post dispatch, which reports it. */
export function streamedEvents(records: readonly StreamRecord[]) {
  return records.filter(isEventInsert).flatMap((record) => {
    try {
      return [streamedEventOf(record)];
    } catch {
      return [];
    }
  });
}

/**
 * Does the record pass a Lambda filter pattern? The subset the patterns here use: a list of
 * allowed values (strings, or `{prefix}`) at a leaf, nested objects otherwise.
 */
export function passesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((allowed) =>
      allowed !== null && typeof allowed === 'object' && 'prefix' in allowed
        ? typeof value === 'string' && value.startsWith(String((allowed as { prefix: string }).prefix))
        : value === allowed,
    );
  }
  if (pattern === null || typeof pattern !== 'object') return false;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([key, inner]) => passesFilter(inner, (value as Record<string, unknown>)[key]));
}

export const isEventInsert = (record: StreamRecord) => passesFilter(eventInsertFilter, record);

export interface SetAsideRecord {
  sequence_number: string;
  keys: unknown;
  error: string;
  attempts: number;
  time: string;
}

/** Where the local poller keeps the records it gave up on (AWS: the on-failure queue). */
export const streamFailureStore = {
  async put(record: SetAsideRecord): Promise<void> {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `STREAM_FAILURE#${record.sequence_number}`,
          sk: 'STREAM_FAILURE',
          rpk: 'STREAM_FAILURES',
          rsk: `${record.time}#${record.sequence_number}`,
          record,
        },
      }),
    );
  },

  async all(): Promise<SetAsideRecord[]> {
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: refIndex,
        KeyConditionExpression: 'rpk = :rpk',
        ExpressionAttributeValues: { ':rpk': 'STREAM_FAILURES' },
      }),
    );
    return (Items ?? []).map((item) => item.record as SetAsideRecord);
  },
};
