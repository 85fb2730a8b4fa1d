// The DynamoDB Local this test worker uses (test/helpers/global-setup.ts starts one per worker).
import { inject } from 'vitest';

export function engineEndpoint(): string {
  const endpoints = inject('dynamoEndpoints');
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  return endpoints[(worker - 1) % endpoints.length] as string;
}
