// Key shapes of events and their rollups (docs/data-model.md):
//   event    pk EV#<s>          sk <uuid7>          one index key per term: <value>#<s mod shards>
//   rollup   pk R#<kind>#<value> sk H#<hour> | D#<day> | M#<month>
// s is the event's shard, taken from its id, so an event is found by its id with one GetItem.
import { createHash } from 'node:crypto';
import { actorPersonOf, type Term, type TermKind } from '../events/terms.ts';

export interface TermIndex {
  /** The GSI, or null for `all` (the table itself). */
  readonly index: string | null;
  /** The item attribute holding the index partition key. */
  readonly attribute: string;
  /** Write shards of one value: a value takes at most 1/shards of its index's writes per key. */
  readonly shards: number;
}

/** Shards of the table's own timeline (`all`); every event id maps to one of them. */
export const timelineShards = 16;

/** The kinds an index of their own holds. */
export type IndexedKind = Exclude<TermKind, 'actor_person'>;

export const termIndexes: Readonly<Record<IndexedKind, TermIndex>> = {
  all: { index: null, attribute: 'pk', shards: timelineShards },
  action: { index: 'by-action', attribute: 'xa', shards: 16 },
  brand: { index: 'by-brand', attribute: 'xb', shards: 16 },
  actor: { index: 'by-actor', attribute: 'xu', shards: 8 },
  person: { index: 'by-person', attribute: 'xp', shards: 8 },
  client_ip: { index: 'by-ip', attribute: 'xi', shards: 8 },
  model_app: { index: 'by-model-app', attribute: 'xma', shards: 4 },
  model_name: { index: 'by-model-name', attribute: 'xmn', shards: 4 },
  model_pk: { index: 'by-model-pk', attribute: 'xmp', shards: 4 },
  authorized_app: { index: 'by-authorized-app', attribute: 'xaa', shards: 4 },
  device: { index: 'by-device', attribute: 'xd', shards: 4 },
};

/** The shard of an event id: its last byte, which is random. */
export const eventShard = (id: string) => Number.parseInt(id.slice(-2), 16) % timelineShards;

export const eventKey = (id: string) => ({ pk: `EV#${eventShard(id)}`, sk: id });

/** A value as it appears in a key; long values go by their hash (key attributes are ≤ 1 KB). */
const valueKey = (value: string) =>
  Buffer.byteLength(value) <= 512 ? value : `~${createHash('sha256').update(value).digest('hex')}`;

/** The term whose index a term is read from: an `actor_person` pair is read from its actor's. */
export function indexedTerm(term: Term): { kind: IndexedKind; value: string } {
  return term.kind === 'actor_person' ? { kind: 'actor', value: actorPersonOf(term)[0] } : { ...term, kind: term.kind };
}

/** The index partition key of a term for an event of shard `shard`. */
export function termPartition(term: Term, shard: number): string {
  const { kind, value } = indexedTerm(term);
  const { shards } = termIndexes[kind];
  return kind === 'all' ? `EV#${shard % shards}` : `${valueKey(value)}#${shard % shards}`;
}

/** Every index partition key of a term, one per shard. */
export const termPartitions = (term: Term) =>
  Array.from({ length: termIndexes[indexedTerm(term).kind].shards }, (_, shard) => termPartition(term, shard));

/** The rollup partition of an actor and person pair, from their values as keys hold them. */
export const actorPersonRollup = (actorKey: string, personKey: string) =>
  `R#actor_person#${valueKey(JSON.stringify([actorKey, personKey]))}`;

export function rollupPartition(term: Term): string {
  if (term.kind === 'all') return 'R#all';
  if (term.kind === 'actor_person') {
    const [actor, person] = actorPersonOf(term);
    return actorPersonRollup(valueKey(actor), valueKey(person));
  }
  return `R#${term.kind}#${valueKey(term.value)}`;
}

/** The sort-key prefix of every UUIDv7 made in millisecond `ms`: `xxxxxxxx-xxxx`. */
function msPrefix(ms: number): string {
  const hex = Math.max(0, Math.min(ms, 2 ** 48 - 1))
    .toString(16)
    .padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}`;
}

/** Inclusive sort-key bounds of the ids made in [fromMs, toMs). */
export const sortKeyBounds = (fromMs: number, toMs: number) => ({
  low: msPrefix(fromMs),
  high: `${msPrefix(toMs - 1)}-z`,
});
