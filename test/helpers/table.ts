// A table of its own for a store test: the store reads TABLE_NAME when it is first imported,
// so a test file calls this before importing anything under lib/store.
import { randomUUID } from 'node:crypto';
import { ensureTable } from '../../infra/local/engine.ts';
import { engineEndpoint } from './engine-endpoint.ts';

export async function useFreshTable(): Promise<string> {
  const endpoint = engineEndpoint();
  const tableName = `test-${randomUUID()}`;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = tableName;
  await ensureTable(endpoint, tableName);
  return tableName;
}
