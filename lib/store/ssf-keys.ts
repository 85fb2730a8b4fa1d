// SSF signing keys. Key shape:
//   key   pk SSFKEY   sk KEY#<generation, 6 digits>   kid  jwk (public)  pkcs8 (private)  created
// Generation 1 is written under a condition: of two first starts, one key wins.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SigningKeyRecord } from '../ssf/keys.ts';
import type { SigningKeyStore } from '../ssf/signing-keys.ts';
import { documents, queryAll, tableName } from './client.ts';
import { conditionFailed } from './conflicts.ts';

const partition = 'SSFKEY';
const generationKey = (generation: number) => `KEY#${String(generation).padStart(6, '0')}`;

export const signingKeyStore: SigningKeyStore = {
  async all() {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :key)',
      ExpressionAttributeValues: { ':pk': partition, ':key': 'KEY#' },
      ConsistentRead: true,
    });
    return items.map(
      (item): SigningKeyRecord => ({
        kid: item.kid as string,
        jwk: item.jwk as SigningKeyRecord['jwk'],
        pkcs8: item.pkcs8 as string,
        created: item.created as string,
      }),
    );
  },

  async createFirst(key) {
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: partition, sk: generationKey(1), ...key },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },
};
