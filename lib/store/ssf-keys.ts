// SSF signing keys. Key shape:
//   key   pk SSFKEY   sk KEY#<generation, 6 digits>   kid  jwk (public)  created  signsFrom
//         and pkcs8 (a local key's private part) or kmsKeyId (a key held in KMS)
// Each generation is written under a condition: of two first starts or two rotations, one key wins.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SigningKeyRecord } from '../ssf/keys.ts';
import type { SigningKeyStore } from '../ssf/signing-keys.ts';
import { documents, queryAll, tableName } from './client.ts';
import { writtenUnlessRefused } from './conflicts.ts';
import { signingKeyPartition as partition } from './table.ts';

const generationKey = (generation: number) => `KEY#${String(generation).padStart(6, '0')}`;

function recordOf(item: Record<string, unknown>): SigningKeyRecord {
  const created = item.created as string;
  return {
    generation: Number((item.sk as string).slice('KEY#'.length)),
    kid: item.kid as string,
    jwk: item.jwk as SigningKeyRecord['jwk'],
    created,
    // A key kept before rotation existed signs from when it was made.
    signsFrom: (item.signsFrom as string | undefined) ?? created,
    ...(typeof item.pkcs8 === 'string' && { pkcs8: item.pkcs8 }),
    ...(typeof item.kmsKeyId === 'string' && { kmsKeyId: item.kmsKeyId }),
  };
}

export const signingKeyStore: SigningKeyStore = {
  async all() {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :key)',
      ExpressionAttributeValues: { ':pk': partition, ':key': 'KEY#' },
      ConsistentRead: true,
    });
    return items.map(recordOf);
  },

  async add(key) {
    const { generation, ...kept } = key;
    return writtenUnlessRefused(
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: partition, sk: generationKey(generation), ...kept },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  },

  async remove(generation) {
    await documents.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: partition, sk: generationKey(generation) } }),
    );
  },
};
