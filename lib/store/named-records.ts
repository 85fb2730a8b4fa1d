// Records with a unique name (connectors, rules, matcher policies): each write is one transaction of the item, its name claim and the audit event.
import { VersionConflict } from '../conflicts.ts';
import type { Event } from '../events/event.ts';
import { tableName } from './client.ts';
import { transactWrite } from './conflicts.ts';
import { eventPut } from './events.ts';
import { afterEventsWritten } from './events-written.ts';
import { nameClaims } from './name-claims.ts';

interface Named {
  readonly name: string;
  readonly pk: string;
}

/** One kind of named record: where its items live and how its refusals read. */
export interface NamedRecordKind {
  /** The item's key for a uuid. */
  readonly key: (uuid: string) => Record<string, string>;
  /** The claims' kind (`RULE`): its claim items are `<kind>_NAME#…`. */
  readonly claimKind: string;
  /** The `rpk` every item of the kind is listed under, in name order. */
  readonly listKey: string;
  /** The item's attribute holding the record (`rule`). */
  readonly attribute: string;
  /** The record in a conflict's words: `the ${noun} changed since it was read`. */
  readonly noun: string;
  readonly nameTaken: (name: string) => Error;
  /** What a new item holds besides the record and its version (a connector's `received: 0`). */
  readonly initial?: Record<string, unknown>;
}

/** The new item of a record: version 1, listed by name. */
function newItem(kind: NamedRecordKind, record: Named): Record<string, unknown> {
  return {
    ...kind.key(record.pk),
    rpk: kind.listKey,
    rsk: `${record.name}#${record.pk}`,
    [kind.attribute]: record,
    version: 1,
    ...kind.initial,
  };
}

/** The name claims and the three writes of one kind of named record. */
export function namedRecords(kind: NamedRecordKind) {
  const { key, claimKind, attribute, noun, nameTaken } = kind;
  const claims = nameClaims(claimKind);
  const changed = () => new VersionConflict(`the ${noun} changed since it was read`);
  return {
    claims,

    /** Creates the item (version 1), its name claim and the audit event, in one transaction. */
    async create(record: Named, audit: Event): Promise<void> {
      await transactWrite(
        [
          {
            Put: { TableName: tableName, Item: newItem(kind, record), ConditionExpression: 'attribute_not_exists(pk)' },
          },
          claims.put(record.name, record.pk),
          eventPut(audit),
        ],
        (index) => (index === 1 ? nameTaken(record.name) : new VersionConflict('the uuid exists')),
      );
      await afterEventsWritten([audit]);
    },

    /** Replaces the record if it is still at `previous.version`, moving the name claim when the name changes. */
    async update(record: Named, previous: Named & { readonly version: number }, audit: Event): Promise<void> {
      await transactWrite(
        [
          ...claims.replace({ key: key(record.pk), attribute, record, version: previous.version }, previous.name),
          eventPut(audit),
        ],
        (index) => (index === 1 ? nameTaken(record.name) : changed()),
      );
      await afterEventsWritten([audit]);
    },

    /** Deletes the item and its name claim if it is still at `previous.version`. */
    async remove(previous: Named & { readonly version: number }, audit: Event): Promise<void> {
      await transactWrite(
        [
          {
            Delete: {
              TableName: tableName,
              Key: key(previous.pk),
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: { ':version': previous.version },
            },
          },
          claims.remove(previous.name, previous.pk),
          eventPut(audit),
        ],
        changed,
      );
      await afterEventsWritten([audit]);
    },
  };
}
