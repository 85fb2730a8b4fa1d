// The one DynamoDB client, built at module scope. Only the local bootstrap and the tests set
// DYNAMODB_ENDPOINT; in AWS the default credential chain and region apply.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
