// The one DynamoDB client, built at module scope. Only the local bootstrap and the tests set
// DYNAMODB_ENDPOINT; in AWS the default credential chain and region apply.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { envString } from '../config.ts';
import { defaultTableName } from './table.ts';

const endpoint = process.env.DYNAMODB_ENDPOINT;

export const dynamo = new DynamoDBClient(
  endpoint
    ? {
        endpoint,
        region: process.env.AWS_REGION ?? 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }
    : {},
);

export const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true },
});

export const tableName = envString('TABLE_NAME', defaultTableName);

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/** Every item a query finds, page after page, read only as far as the caller iterates. */
export async function* queryItems(input: QueryInput): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** The first `limit` items a query finds (all by default). */
export async function queryAll(
  input: QueryInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  if (limit <= 0) return found;
  for await (const item of queryItems(input)) {
    found.push(item);
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * Sends a batch request again for what DynamoDB left unprocessed, pausing longer each time,
 * until nothing is left; `next` picks the leftover out of the answer.
 */
async function untilProcessed<T, A>(first: T, send: (pending: T) => Promise<A>, next: (answer: A) => T | null) {
  let pending: T | null = first;
  for (let attempt = 0; pending !== null; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    pending = next(await send(pending));
  }
}

/** Puts items 25 to a request (BatchWriteItem), retrying what DynamoDB leaves unprocessed. */
export async function putAll(items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await untilProcessed(
      items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      (pending) => documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })),
      (result) => {
        const left = result.UnprocessedItems?.[tableName] ?? [];
        return left.length > 0 ? (left as { PutRequest: { Item: Record<string, unknown> } }[]) : null;
      },
    );
  }
}

/** The items of `keys` that exist, 100 keys to a request (BatchGetItem), retrying what DynamoDB leaves unprocessed. */
export async function getAll(
  keys: readonly Record<string, unknown>[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    await untilProcessed(
      keys.slice(i, i + 100),
      (pending) =>
        documents.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: [...pending], ConsistentRead: options.consistent } },
          }),
        ),
      (result) => {
        found.push(...(result.Responses?.[tableName] ?? []));
        const left = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
        return left.length > 0 ? left : null;
      },
    );
  }
  return found;
}
