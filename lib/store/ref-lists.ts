// A list on the ref index: the items a record kind files under one `rpk` (`RULES`, `ADMINS`), in `rsk` order.
import { queryAll } from './client.ts';
import { refIndex } from './table.ts';

/** Every item listed under `listKey`, all pages, in the index's sort-key order. */
export function itemsListed(listKey: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    IndexName: refIndex,
    KeyConditionExpression: 'rpk = :rpk',
    ExpressionAttributeValues: { ':rpk': listKey },
  });
}
