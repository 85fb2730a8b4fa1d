// Key shapes of events and their rollups (docs/data-model.md):
//   event    pk EV#<s>          sk <uuid7>          one index key per term: <value>#<s mod shards>
//   rollup   pk R#<kind>#<value> sk H#<hour> | D#<day> | M#<month>
// s is the event's shard, taken from its id, so an event is found by its id with one GetItem.
import { createHash } from 'node:crypto';
import { actorPersonOf, type Term, type TermKind } from '../events/terms.ts';

export interface TermIndex {
  /** The GSI; null for `all` (the table itself); absent for a kind read through another's (`termSources`). */
  readonly index?: string | null;
  /** The item attribute holding the term's key: the index partition key, where there is an index. */
  readonly attribute: string;
  /** Write shards of one value: a value takes at most 1/shards of its index's writes per key. */
  readonly shards: number;
}

/** Shards of the table's own timeline (`all`); every event id maps to one of them. */
export const timelineShards = 16;

/** The kinds an event item carries a key of (`actor_person` is derived from two of them). */
export type KeyedKind = Exclude<TermKind, 'actor_person'>;

export const termIndexes: Readonly<Record<KeyedKind, TermIndex>> = {
  all: { index: null, attribute: 'pk', shards: timelineShards },
  action: { index: 'by-action', attribute: 'xa', shards: 16 },
  // No index for the few-valued kinds whose values each hold a large share (brands, a model's
  // app and name): their timeline is read, their sealed minutes are all listed, and every
  // event saves the index's write unit.
  brand: { attribute: 'xb', shards: timelineShards },
  actor: { index: 'by-actor', attribute: 'xu', shards: 8 },
  person: { index: 'by-person', attribute: 'xp', shards: 8 },
  client_ip: { index: 'by-ip', attribute: 'xi', shards: 8 },
  model_app: { attribute: 'xma', shards: 4 },
  model_name: { attribute: 'xmn', shards: 4 },
  model_pk: { index: 'by-model-pk', attribute: 'xmp', shards: 4 },
  authorized_app: { index: 'by-authorized-app', attribute: 'xaa', shards: 4 },
  device: { index: 'by-device', attribute: 'xd', shards: 4 },
};

/**
 * An actor and person pair is read through its actor's index and kept by its person's key, or
 * (where the actor is busy and the person is not: the live log) the other way round.
 */
export type PairVia = 'actor' | 'person';

/** Key attributes an index holds besides the body, to check a term read through it (`termSources`). */
export const checkedKeys: Readonly<Partial<Record<KeyedKind, readonly string[]>>> = {
  actor: [termIndexes.person.attribute],
  person: [termIndexes.actor.attribute],
};

/** The shard of an event id: its last byte, which is random. */
export const eventShard = (id: string) => Number.parseInt(id.slice(-2), 16) % timelineShards;

export const eventKey = (id: string) => ({ pk: `EV#${eventShard(id)}`, sk: id });

/** A value as it appears in a key; long values go by their hash (key attributes are ≤ 1 KB). */
const valueKey = (value: string) =>
  Buffer.byteLength(value) <= 512 ? value : `~${createHash('sha256').update(value).digest('hex')}`;

type KeyedTerm = { readonly kind: KeyedKind; readonly value: string };

/** The item's key of a term for an event of shard `shard` (its index partition key, where it has an index). */
export function termPartition(term: Term, shard: number): string {
  const kind = term.kind === 'actor_person' ? 'actor' : term.kind;
  const value = term.kind === 'actor_person' ? actorPersonOf(term)[0] : term.value;
  const { shards } = termIndexes[kind];
  return kind === 'all' ? `EV#${shard % shards}` : `${valueKey(value)}#${shard % shards}`;
}

/** One partition a term is read from, and the key its items must hold to be the term's. */
export interface TermSource {
  readonly index: string | null;
  readonly attribute: string;
  readonly partition: string;
  readonly filter?: { readonly attribute: string; readonly value: string };
}

/**
 * Where a term's events are read, one source per shard: its index; without one (`brand`, `model_app`, `model_name`) the
 * table's timeline, keeping the items holding its key; for an actor and person pair its actor's index,
 * keeping the person's items (`by-actor` projects the person key).
 */
export function termSources(term: Term, via: PairVia = 'actor'): TermSource[] {
  const pair = (): [KeyedTerm, KeyedTerm] => {
    const [actor, person] = actorPersonOf(term);
    const sides: [KeyedTerm, KeyedTerm] = [
      { kind: 'actor', value: actor },
      { kind: 'person', value: person },
    ];
    return via === 'actor' ? sides : [sides[1], sides[0]];
  };
  const [read, kept]: [KeyedTerm, KeyedTerm | undefined] =
    term.kind === 'actor_person'
      ? pair()
      : termIndexes[term.kind].index === undefined
        ? [
            { kind: 'all', value: '' },
            { kind: term.kind, value: term.value },
          ]
        : [{ ...term, kind: term.kind }, undefined];
  const { index, attribute, shards } = termIndexes[read.kind];
  return Array.from({ length: shards }, (_, shard) => ({
    index: index ?? null,
    attribute,
    partition: termPartition(read, shard),
    ...(kept && { filter: { attribute: termIndexes[kept.kind].attribute, value: termPartition(kept, shard) } }),
  }));
}

/** The partition holding an event, among a term's `termSources`. */
export const sourceOf = (sources: readonly TermSource[], id: string) =>
  (sources[eventShard(id) % sources.length] as TermSource).partition;

/** A term read through another kind's partitions: it has no index, so its sealed minutes are all listed. */
export const unindexed = (term: Term) => term.kind === 'actor_person' || termIndexes[term.kind].index === undefined;

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
