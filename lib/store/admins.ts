// Admin items. Key shapes:
//   admin   pk ADMIN#<token hash>  sk ADMIN  rpk ADMINS  rsk <name>  name  actions  created
// The token itself is never stored; its name is found through the by-ref index.

import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminRecord, AdminStore } from '../admins/admins.ts';
import { documents, tableName } from './client.ts';
import { itemsListed } from './ref-lists.ts';
import { refIndex } from './table.ts';

const adminKey = (tokenHash: string) => ({ pk: `ADMIN#${tokenHash}`, sk: 'ADMIN' });

function toAdmin(item: Record<string, unknown>): AdminRecord {
  return {
    name: item.name as string,
    actions: item.actions as string[],
    tokenHash: (item.pk as string).slice('ADMIN#'.length),
    created: item.created as string,
  };
}

export const adminStore: AdminStore = {
  async byTokenHash(tokenHash: string): Promise<AdminRecord | null> {
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: adminKey(tokenHash) }));
    return Item ? toAdmin(Item) : null;
  },

  async byName(name: string): Promise<AdminRecord | null> {
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: refIndex,
        KeyConditionExpression: 'rpk = :rpk AND rsk = :name',
        ExpressionAttributeValues: { ':rpk': 'ADMINS', ':name': name },
      }),
    );
    return Items?.[0] ? toAdmin(Items[0]) : null;
  },

  async all(): Promise<AdminRecord[]> {
    const items = await itemsListed('ADMINS');
    return items.map(toAdmin);
  },

  async put(admin: AdminRecord): Promise<void> {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...adminKey(admin.tokenHash),
          rpk: 'ADMINS',
          rsk: admin.name,
          name: admin.name,
          actions: admin.actions,
          created: admin.created,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async remove(tokenHash: string): Promise<void> {
    await documents.send(new DeleteCommand({ TableName: tableName, Key: adminKey(tokenHash) }));
  },
};
