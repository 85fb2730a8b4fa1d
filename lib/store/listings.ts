// Listings: where an offset falls inside one busy minute (docs/data-model.md). The seal writes
// a term's sealed minute, the live seal an open one (./live-seal.ts); readers take a page's ids
// from them. Key shape:
//   listing pk R#<kind>#<value>  sk L#<epoch minute>#<chunk>  k (the minute's ids of the term,
//           ascending, 192 to a chunk, 16 bytes each), t (their expiries, 4 bytes each), ttl:
//           written for a minute holding more than 8 of the term, and every minute of a term
//           without an index of its own
import { actionAppPrefix } from './action-apps.ts';
import { queryItems } from './client.ts';
import { termIndexes } from './event-keys.ts';
import { oneDayAfter, type TermCount } from './term-counts.ts';

/**
 * A term's minute with more events than this is listed; fewer are skipped by reading. A term
 * without an index of its own (an actor and person pair, a brand, a model app or name) is listed every minute.
 */
export const listedAbove = 8;
const everyMinuteListed = [
  'R#actor_person#',
  ...Object.entries(termIndexes).flatMap(([kind, { index }]) => (index === undefined ? [`R#${kind}#`] : [])),
];
export const listsEvery = (partition: string) => everyMinuteListed.some((prefix) => partition.startsWith(prefix));
/** Ids per listing chunk: 192 of 16 bytes with their 4-byte expiries stay within 4 KB (one read unit, four write units). */
const idsPerChunk = 192;
const canonicalId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A chunk's ids, 16 bytes each; as text (36 characters each) if one is not a canonical UUID. */
function packIds(ids: readonly string[]): Uint8Array | string {
  if (!ids.every((id) => canonicalId.test(id))) return ids.join('');
  return Buffer.from(ids.map((id) => id.replaceAll('-', '')).join(''), 'hex');
}

function unpackIds(packed: unknown): string[] {
  if (typeof packed === 'string') {
    return Array.from({ length: packed.length / 36 }, (_, i) => packed.slice(i * 36, (i + 1) * 36));
  }
  if (!(packed instanceof Uint8Array)) return [];
  const hex = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength).toString('hex');
  return Array.from({ length: hex.length / 32 }, (_, i) => {
    const h = hex.slice(i * 32, (i + 1) * 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  });
}

/** Expiries (epoch seconds), 4 bytes each; one past 2106 is kept as 2106 (live until then, as it is). */
function packTtls(ttls: readonly number[]): Uint8Array {
  const bytes = Buffer.alloc(ttls.length * 4);
  for (const [i, ttl] of ttls.entries()) bytes.writeUInt32BE(Math.min(ttl, 0xffffffff), i * 4);
  return bytes;
}

function unpackTtls(packed: unknown): number[] {
  if (!(packed instanceof Uint8Array)) return [];
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readUInt32BE(i * 4));
}

/** A listed event: its id and its expiry (epoch seconds). */
export interface ListedEntry {
  readonly id: string;
  readonly ttl: number;
}

/** A count's entries in id order. */
export const entriesOf = (count: Pick<TermCount, 'ids' | 'ttls'>): ListedEntry[] =>
  count.ids.map((id, i) => ({ id, ttl: count.ttls[i] as number })).sort((a, b) => (a.id < b.id ? -1 : 1));

const listingKey = (partition: string, minute: number, chunk: number) => ({
  pk: partition,
  sk: `L#${minute}#${String(chunk).padStart(5, '0')}`,
});

export function listingItems(partition: string, minute: number, count: TermCount): Record<string, unknown>[] {
  if ((count.n <= listedAbove && !listsEvery(partition)) || partition.startsWith(actionAppPrefix)) return [];
  return listingChunks({ partition, minute }, entriesOf(count), oneDayAfter(count), 0);
}

/** A term's minute whose listing is read or written; `consistent`: read it so (an open minute, rewritten by the live seal). */
export interface ListingOf {
  readonly partition: string;
  readonly minute: number;
  readonly consistent?: boolean | undefined;
}

/** The listing chunks of a term's minute from chunk `fromChunk` on, its entries given in id order. */
export function listingChunks(
  { partition, minute }: ListingOf,
  entries: readonly ListedEntry[],
  ttl: number,
  fromChunk: number,
): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let i = fromChunk * idsPerChunk; i < entries.length; i += idsPerChunk) {
    const chunk = entries.slice(i, i + idsPerChunk);
    items.push({
      ...listingKey(partition, minute, i / idsPerChunk),
      k: packIds(chunk.map((entry) => entry.id)),
      t: packTtls(chunk.map((entry) => entry.ttl)),
      ttl,
    });
  }
  return items;
}

/** The chunk holding the listing position `position`. */
export const chunkOf = (position: number) => Math.floor(position / idsPerChunk);

const idsOf = (item: Record<string, unknown> | undefined) => unpackIds(item?.k);

/**
 * The ids at ascending positions `from`..`to` (inclusive) among a sealed minute's events of one
 * term, read from the chunks holding them (one Query); empty when the minute is not listed (it
 * holds at most `listedAbove` of the term).
 */
export async function listedRange(
  { partition, minute, consistent = false }: ListingOf,
  from: number,
  to: number,
): Promise<string[]> {
  const first = Math.floor(from / idsPerChunk);
  const ids: string[] = [];
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: {
      ':pk': partition,
      ':a': listingKey(partition, minute, first).sk,
      ':b': listingKey(partition, minute, Math.floor(to / idsPerChunk)).sk,
    },
    ConsistentRead: consistent,
  })) {
    ids.push(...idsOf(item));
  }
  return ids.slice(from - first * idsPerChunk, to - first * idsPerChunk + 1);
}

/**
 * Every listed entry of a term's minute in id order, or null when the minute is not listed or
 * needs more than `maxChunks` chunks; `chunks.read` counts the chunks read.
 */
export async function listedEntries(
  { partition, minute, consistent = false }: ListingOf,
  maxChunks: number,
  chunks: { read: number },
): Promise<ListedEntry[] | null> {
  const entries: ListedEntry[] = [];
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
    ExpressionAttributeValues: { ':pk': partition, ':l': `L#${minute}#` },
    ConsistentRead: consistent,
  })) {
    if (++chunks.read > maxChunks) return null;
    const ttls = unpackTtls(item.t);
    entries.push(...idsOf(item).map((id, i) => ({ id, ttl: ttls[i] as number })));
  }
  return entries.length === 0 ? null : entries;
}

/**
 * A sealed minute's listed ids of one term in order, one chunk per request as the caller goes
 * (nothing when it is not listed); `chunks.read` counts the chunks read.
 */
export async function* listedInOrder(
  { partition, minute, consistent = false }: ListingOf,
  ascending: boolean,
  chunks: { read: number },
): AsyncGenerator<string> {
  for await (const item of queryItems({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
    ExpressionAttributeValues: { ':pk': partition, ':l': `L#${minute}#` },
    ScanIndexForward: ascending,
    Limit: 1,
    ConsistentRead: consistent,
  })) {
    chunks.read++;
    const ids = idsOf(item);
    yield* ascending ? ids : ids.reverse();
  }
}
