// Action × application pairs (analytics, docs/data-model.md "Analytics"): the pair's rollup
// partition, counted by the seal like any term (no listings), and the applications recorded per
// action, with the first minute of a pair in a month. Key shapes:
//   pair     pk R#action_app#<[action key, app key]>  rollups like any term
//   app      pk R#action#<action key>  sk A#<app key>  app (the application object, JSON), ttl
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.ts';

/** The rollup partitions of actions. */
export const actionPartitionPrefix = 'R#action#';

export const actionAppPrefix = 'R#action_app#';

/** The pair partition of an action and an application pk, from their values as keys hold them. */
export function actionAppPartition(actionKey: string, appKey: string): string {
  const pair = JSON.stringify([actionKey, appKey]);
  return `${actionAppPrefix}${Buffer.byteLength(pair) <= 512 ? pair : `~${createHash('sha256').update(pair).digest('hex')}`}`;
}

/** Records an action's application (with a month's first minute of the pair), living as long as its events. */
export async function recordApp(partition: string, app: unknown, ttl: number) {
  const [actionKey, appKey] = JSON.parse(
    partition.slice(actionAppPrefix.length).startsWith('~') ? '[]' : partition.slice(actionAppPrefix.length),
  ) as string[];
  if (actionKey === undefined || appKey === undefined) return;
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: `${actionPartitionPrefix}${actionKey}`, sk: `A#${appKey}` },
      UpdateExpression: 'SET app = :app, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':app': JSON.stringify(app ?? { pk: appKey }), ':ttl': ttl },
    }),
  );
}
