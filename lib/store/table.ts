// The one table definition. infra/ turns it into a CDK Table; the local engine and the
// tests turn it into a CreateTable call. Attribute names are short: an event item must stay
// near 1 KB so that an ingest costs one write unit on the table plus one per index.
import { checkedKeys, type KeyedKind, termIndexes } from './event-keys.ts';

/** The partition of the SSF signing keys (lib/store/ssf-keys.ts): the one a public route may write. */
export const signingKeyPartition = 'SSFKEY';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** 'all', or the non-key attributes copied into the index (each index write is billed by size). */
  readonly projection: 'all' | readonly string[];
}

/** The overloaded index of everything that is not an event. */
export const refIndex = 'by-ref';

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  indexes: [
    // Events by term, newest first (descending sk, a UUIDv7), one sparse index per term kind
    // that has one. They hold the body so that a page is a Query, never a BatchGetItem of 4 KB-rounded reads.
    ...Object.entries(termIndexes).flatMap(([kind, { index, attribute }]) =>
      typeof index !== 'string'
        ? []
        : [
            {
              name: index,
              partitionKey: attribute,
              sortKey: 'sk',
              projection: ['b', 'ttl', ...(checkedKeys[kind as KeyedKind] ?? [])],
            } satisfies IndexDefinition,
          ],
    ),
    // Overloaded index for everything that is not an event (admins by name, bindings by
    // event name, bindings by matcher policy, due deliveries); events never carry rpk.
    { name: refIndex, partitionKey: 'rpk', sortKey: 'rsk', projection: 'all' },
  ] satisfies IndexDefinition[],
} as const;

export const defaultTableName = 'idp-event-hub';

/** The CreateTable input for the local engine and the tests (stream on, on-demand). */
export function createTableInput(tableName: string) {
  const keyAttributes = new Set<string>([tableDefinition.partitionKey, tableDefinition.sortKey]);
  for (const index of tableDefinition.indexes) {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: tableDefinition.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection:
        index.projection === 'all'
          ? { ProjectionType: 'ALL' as const }
          : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection] },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' as const },
  };
}
