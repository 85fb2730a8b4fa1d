// Matcher policy items. Key shape:
//   policy   pk MATCHER_POLICY#<uuid>  sk MATCHER_POLICY  rpk MATCHER_POLICIES  rsk <name>#<uuid>
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './client.ts';

export const matcherPolicyKey = (uuid: string) => ({
  pk: `MATCHER_POLICY#${uuid.toLowerCase()}`,
  sk: 'MATCHER_POLICY',
});

export const matcherPolicyStore = {
  async exists(uuid: string): Promise<boolean> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: matcherPolicyKey(uuid), ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
  },
};
