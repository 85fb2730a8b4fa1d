// Unique names (matcher policies, connectors, rules): a claim item per name, written in the same
// transaction as the record, conditioned on not existing, so two writers cannot take one name.
//   claim  pk <KIND>_NAME#<sha256 of the name>  sk <KIND>_NAME  uuid
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.ts';

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
    /** The uuid of the record holding the name, or null. */
    async holder(name: string): Promise<string | null> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(name), ConsistentRead: true }),
      );
      return Item ? (Item.uuid as string) : null;
    },
  };
}
