// Shared Signals streams, their removed subjects and their queued SETs. Key shapes:
//   stream           pk SSFSTREAM#<id>  sk STREAM                rpk SSFSTREAMS  rsk <owner>#<id>  stream  version
//                    holds (SETs ever held), holding (held SETs may be left), verified (the last verification
//                    request, epoch ms): outside `stream`, kept by its updates
//   removed subject  pk SSFSTREAM#<id>  sk SUBJ#<sha256 of the subject as canonical JSON>  subject
//   queued SET       pk SSFSTREAM#<id>  sk SET#<jti, a UUIDv7>   set  ttl
//   pushed SET       pk SSFSTREAM#<id>  sk PUSH#<uuid the ledger's delivery names>  set  ttl (kept for retries)
//   held SET         pk SSFSTREAM#<id>  sk HELD#<jti>            uuid  ttl (a paused push stream's queue)
// One partition per stream: a poll is one Query of its SET# items, oldest first.
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../conflicts.ts';
import type { HeldSet, HeldSets } from '../ssf/hold.ts';
import type { QueuedSet, SetQueue } from '../ssf/set-queue.ts';
import type { StoredStream, Stream, SubjectIdentifier } from '../ssf/stream.ts';
import type { StreamStore } from '../ssf/streams.ts';
import { documents, queryAll, tableName } from './client.ts';
import { conditionFailed, ignoreFailedCondition, writtenUnlessRefused } from './conflicts.ts';
import { itemsListed } from './ref-lists.ts';
import { refIndex } from './table.ts';

const partition = (streamId: string) => `SSFSTREAM#${streamId}`;
const streamKey = (streamId: string) => ({ pk: partition(streamId), sk: 'STREAM' });
const listKey = 'SSFSTREAMS';

/** A subject's key: its members in name order, so `{email, format}` and `{format, email}` are one. */
export function subjectKey(subject: SubjectIdentifier): string {
  const canonical = JSON.stringify(Object.entries(subject).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `SUBJ#${createHash('sha256').update(canonical).digest('base64url')}`;
}

const stored = (item: Record<string, unknown>): StoredStream => ({
  ...(item.stream as Stream),
  version: item.version as number,
  holding: item.holding === true,
  holds: (item.holds as number | undefined) ?? 0,
});

/** The configuration alone: the store's own fields never go into `stream`. */
function configurationOf(stream: Stream): Stream {
  const { version: _version, holding: _holding, holds: _holds, ...configuration } = stream as StoredStream;
  return configuration;
}

async function conditional(write: Promise<unknown>, conflict: string): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (conditionFailed(error)) throw new VersionConflict(conflict);
    throw error;
  }
}

export interface StreamListing {
  /** Every stream of every admin (the dispatcher's fan-out). */
  all(): Promise<StoredStream[]>;
  /** Whether any of the subject's identifiers was removed from the stream. */
  anyRemoved(streamId: string, subjects: readonly SubjectIdentifier[]): Promise<boolean>;
}

export const ssfStreamStore: StreamStore & StreamListing = {
  async get(streamId) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: streamKey(streamId), ConsistentRead: true }),
    );
    return Item ? stored(Item) : null;
  },

  async ofOwner(owner) {
    const items = await queryAll({
      IndexName: refIndex,
      KeyConditionExpression: 'rpk = :rpk AND begins_with(rsk, :owner)',
      ExpressionAttributeValues: { ':rpk': listKey, ':owner': `${owner}#` },
    });
    return items.map(stored);
  },

  async all() {
    const items = await itemsListed(listKey);
    return items.map(stored);
  },

  async create(input) {
    const stream = configurationOf(input);
    await conditional(
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...streamKey(stream.stream_id),
            rpk: listKey,
            rsk: `${stream.owner}#${stream.stream_id}`,
            stream,
            version: 1,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      'the stream id exists',
    );
    return { ...stream, version: 1, holding: false, holds: 0 };
  },

  async claimVerification(streamId, nowMs, intervalMs) {
    return writtenUnlessRefused(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: streamKey(streamId),
          UpdateExpression: 'SET verified = :now',
          // Never on a deleted stream: an UpdateItem would make a bare item of its key.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(verified) OR verified <= :since)',
          ExpressionAttributeValues: { ':now': nowMs, ':since': nowMs - intervalMs },
        }),
      ),
    );
  },

  async lastVerification(streamId) {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: streamKey(streamId),
        ProjectionExpression: 'verified',
        ConsistentRead: true,
      }),
    );
    return typeof Item?.verified === 'number' ? Item.verified : null;
  },

  // An UpdateItem of `stream` and `version` only: the held queue's `holds` and `holding` stay.
  async update(input, previous) {
    const stream = configurationOf(input);
    const version = previous.version + 1;
    await conditional(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: streamKey(stream.stream_id),
          UpdateExpression: 'SET #stream = :stream, version = :next',
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#stream': 'stream' },
          ExpressionAttributeValues: { ':stream': stream, ':next': version, ':version': previous.version },
        }),
      ),
      'the stream changed since it was read',
    );
    return { ...stream, version, holding: previous.holding, holds: previous.holds };
  },

  async remove(previous) {
    await conditional(
      documents.send(
        new DeleteCommand({
          TableName: tableName,
          Key: streamKey(previous.stream_id),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        }),
      ),
      'the stream changed since it was read',
    );
  },

  async removeSubject(streamId, subject) {
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: partition(streamId), sk: subjectKey(subject), subject } }),
    );
  },

  async addSubject(streamId, subject) {
    await documents.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: partition(streamId), sk: subjectKey(subject) } }),
    );
  },

  async anyRemoved(streamId, subjects) {
    for (const subject of subjects) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: partition(streamId), sk: subjectKey(subject) } }),
      );
      if (Item) return true;
    }
    return false;
  },
};

export const setQueueStore: SetQueue = {
  async enqueue(streamId, queued, expires) {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: partition(streamId),
          sk: `SET#${queued.jti}`,
          set: queued.set,
          ttl: Math.floor(expires.getTime() / 1000),
        },
      }),
    );
  },

  async oldest(streamId, limit) {
    const now = Math.floor(Date.now() / 1000);
    const items = await queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :set)',
        // TTL deletes late: an expired SET is gone for the receiver at once.
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':pk': partition(streamId), ':set': 'SET#', ':now': now },
        ConsistentRead: true,
        Limit: limit,
      },
      limit,
    );
    return items.map((item): QueuedSet => ({ jti: (item.sk as string).slice('SET#'.length), set: item.set as string }));
  },

  async acknowledge(streamId, jtis) {
    await Promise.all(
      [...new Set(jtis)].map((jti) =>
        documents.send(new DeleteCommand({ TableName: tableName, Key: { pk: partition(streamId), sk: `SET#${jti}` } })),
      ),
    );
  },
};

/** The SETs pushed to a stream, kept for the ledger's retries and replays. */
export const pushedSetStore = {
  async keep(streamId: string, uuid: string, set: string, expires: Date): Promise<void> {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: partition(streamId), sk: `PUSH#${uuid}`, set, ttl: Math.floor(expires.getTime() / 1000) },
      }),
    );
  },

  async get(streamId: string, uuid: string): Promise<string | null> {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: partition(streamId), sk: `PUSH#${uuid}` },
        ConsistentRead: true,
      }),
    );
    return Item && (Item.ttl as number) > Math.floor(Date.now() / 1000) ? (Item.set as string) : null;
  },
};

const heldKey = (streamId: string, jti: string) => ({ pk: partition(streamId), sk: `HELD#${jti}` });

/** A paused push stream's held queue and the stream's `holds` and `holding` (lib/ssf/hold.ts). */
export const heldSetStore: HeldSets = {
  async add(streamId, held) {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...heldKey(streamId, held.jti), uuid: held.uuid, ttl: Math.floor(held.expires.getTime() / 1000) },
      }),
    );
  },

  async counted(streamId) {
    return writtenUnlessRefused(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: streamKey(streamId),
          UpdateExpression: 'ADD holds :one',
          ConditionExpression: '#s.#status = :paused OR (#s.#status = :enabled AND holding = :yes)',
          ExpressionAttributeNames: { '#s': 'stream', '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':paused': 'paused', ':enabled': 'enabled', ':yes': true },
        }),
      ),
    );
  },

  async oldest(streamId, limit) {
    const items = await queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :held)',
        ExpressionAttributeValues: { ':pk': partition(streamId), ':held': 'HELD#' },
        ConsistentRead: true,
        Limit: limit,
      },
      limit,
    );
    return items.map(
      (item): HeldSet => ({
        jti: (item.sk as string).slice('HELD#'.length),
        uuid: item.uuid as string,
        expires: new Date((item.ttl as number) * 1000),
      }),
    );
  },

  async remove(streamId, jti) {
    await documents.send(new DeleteCommand({ TableName: tableName, Key: heldKey(streamId, jti) }));
  },

  async startHolding(streamId) {
    // Deleted meanwhile (refused): its held SETs are dropped by the release.
    await ignoreFailedCondition(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: streamKey(streamId),
          UpdateExpression: 'SET holding = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      ),
    );
  },

  async endHolding(streamId, holds) {
    return writtenUnlessRefused(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: streamKey(streamId),
          UpdateExpression: 'REMOVE holding',
          // Never on a deleted stream: an UpdateItem would make a bare item of its key.
          ConditionExpression: `attribute_exists(pk) AND ${holds === 0 ? 'attribute_not_exists(holds)' : 'holds = :holds'}`,
          ...(holds !== 0 && { ExpressionAttributeValues: { ':holds': holds } }),
        }),
      ),
    );
  },
};
