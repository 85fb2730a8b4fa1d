// Connector items. Key shapes:
//   connector   pk CONNECTOR#<uuid>         sk CONNECTOR       rpk CONNECTORS  rsk <name>#<uuid>
//               + connector (with the secret's hash), version, received, last_received
//   name claim  pk CONNECTOR_NAME#<sha256>  sk CONNECTOR_NAME  uuid
// As matcher policies: the claim makes names unique atomically, in the transaction of the write.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Connector, StoredConnector } from '../connectors/connector.ts';
import { ConnectorNameTaken, type ConnectorStore } from '../connectors/connectors.ts';
import type { ReceivedCounter } from '../connectors/ingest.ts';
import type { Event } from '../events/event.ts';
import { documents, tableName } from './client.ts';
import { ignoreFailedCondition } from './conflicts.ts';
import { namedRecords } from './named-records.ts';
import { itemsListed } from './ref-lists.ts';

const connectorKey = (uuid: string) => ({ pk: `CONNECTOR#${uuid.toLowerCase()}`, sk: 'CONNECTOR' });
const listKey = 'CONNECTORS';
const connectors = namedRecords({
  key: connectorKey,
  claimKind: 'CONNECTOR',
  listKey,
  attribute: 'connector',
  noun: 'connector',
  nameTaken: (name) => new ConnectorNameTaken(name),
  initial: { received: 0 },
});

const stored = (item: Record<string, unknown>): StoredConnector => ({
  ...(item.connector as Connector),
  version: item.version as number,
  received: (item.received as number | undefined) ?? 0,
  last_received: (item.last_received as string | undefined) ?? null,
});

export const connectorStore: ConnectorStore & ReceivedCounter = {
  async get(uuid) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: connectorKey(uuid), ConsistentRead: true }),
    );
    return Item ? stored(Item) : null;
  },

  async all() {
    const items = await itemsListed(listKey);
    return items.map(stored);
  },

  async create(connector, audit: Event) {
    await connectors.create(connector, audit);
    return { ...connector, version: 1, received: 0, last_received: null };
  },

  async update(connector, previous, audit: Event) {
    await connectors.update(connector, previous, audit);
    return { ...previous, ...connector, version: previous.version + 1 };
  },

  remove: (previous, audit: Event) => connectors.remove(previous, audit),

  /** Counts what a request stored; a connector deleted meanwhile is left deleted. */
  async noteReceived(uuid, stored, at) {
    await ignoreFailedCondition(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: connectorKey(uuid),
          UpdateExpression: 'ADD received :n SET last_received = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':n': stored, ':at': at },
        }),
      ),
    );
  },
};
