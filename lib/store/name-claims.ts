// Unique names (matcher policies, connectors, rules): a claim item per name, written in the same
// transaction as the record, conditioned on not existing, so two writers cannot take one name.
//   claim  pk <KIND>_NAME#<sha256 of the name>  sk <KIND>_NAME  uuid
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.ts';

/** A named record replaced in place: its item's key, the attribute holding it, the record, the version it was read at. */
export interface ReplacedRecord {
  readonly key: Record<string, string>;
  readonly attribute: string;
  readonly record: { readonly name: string; readonly pk: string };
  readonly version: number;
}

/** The claims of one kind of record (`MATCHER_POLICY`, `CONNECTOR`, `RULE`). */
export function nameClaims(kind: string) {
  // Hashed: a name may be longer than a comfortable key, and its bytes need no escaping.
  const key = (name: string) => ({
    pk: `${kind}_NAME#${createHash('sha256').update(name).digest('base64url')}`,
    sk: `${kind}_NAME`,
  });
  return {
    /** The transaction item taking the name for `uuid`; it fails when the name is held. */
    put: (name: string, uuid: string) => ({
      Put: { TableName: tableName, Item: { ...key(name), uuid }, ConditionExpression: 'attribute_not_exists(pk)' },
    }),
    /** The transaction item releasing the name `uuid` holds. */
    remove: (name: string, uuid: string) => ({
      Delete: {
        TableName: tableName,
        Key: key(name),
        ConditionExpression: '#uuid = :uuid',
        ExpressionAttributeNames: { '#uuid': 'uuid' },
        ExpressionAttributeValues: { ':uuid': uuid },
      },
    }),
    /**
     * The transaction items replacing a named record (held under `attribute` at `key`) if it is
     * still at `version`, its list's sort key (`rsk`) following the name, and the claim moved
     * when the name changed: the record's Update first, then the new name's claim.
     */
    replace(
      { key: itemKey, attribute, record, version }: ReplacedRecord,
      previousName: string,
    ): Record<string, unknown>[] {
      const update = {
        Update: {
          TableName: tableName,
          Key: itemKey,
          UpdateExpression: 'SET #record = :record, rsk = :rsk, version = :next',
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#record': attribute },
          ExpressionAttributeValues: {
            ':record': record,
            ':rsk': `${record.name}#${record.pk}`,
            ':next': version + 1,
            ':version': version,
          },
        },
      };
      if (record.name === previousName) return [update];
      return [update, this.put(record.name, record.pk), this.remove(previousName, record.pk)];
    },
    /** The uuid of the record holding the name, or null. */
    async holder(name: string): Promise<string | null> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(name), ConsistentRead: true }),
      );
      return Item ? (Item.uuid as string) : null;
    },
  };
}
