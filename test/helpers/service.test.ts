// The test service's Scan guard really fires: every "no Scan on a request path" claim of the
// other tests rests on it.
import { ExecuteStatementCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand as DocumentScanCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from './service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

describe('the Scan guard', () => {
  it('refuses a Scan through the service’s low-level client', async () => {
    const { dynamo } = await import('../../lib/store/client.ts');
    await expect(dynamo.send(new ScanCommand({ TableName: service.tableName }))).rejects.toThrow(
      'Scan on a request path',
    );
    expect(service.commands.at(-1)).toBe('ScanCommand');
  });

  it('refuses a Scan through the document client every store uses', async () => {
    const { documents } = await import('../../lib/store/client.ts');
    await expect(documents.send(new DocumentScanCommand({ TableName: service.tableName }))).rejects.toThrow(
      'Scan on a request path',
    );
  });

  it('refuses PartiQL, which can Scan too', async () => {
    const { dynamo } = await import('../../lib/store/client.ts');
    await expect(
      dynamo.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${service.tableName}"` })),
    ).rejects.toThrow('PartiQL on a request path');
  });

  it('lets key-based reads through', async () => {
    const { documents } = await import('../../lib/store/client.ts');
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: service.tableName,
        IndexName: 'by-ref',
        KeyConditionExpression: 'rpk = :rpk',
        ExpressionAttributeValues: { ':rpk': 'ADMINS' },
      }),
    );
    expect(Items?.map((item) => item.name)).toContain('root');
  });

  it('fails a request whose route would Scan, as a 5xx no test could take for success', async () => {
    const { eventStore } = await import('../../lib/store/events.ts');
    const { documents } = await import('../../lib/store/client.ts');
    const get = eventStore.get;
    // Swap one store method for a Scan, as a careless change would, for this one request.
    (eventStore as { get: unknown }).get = async () => {
      await documents.send(new DocumentScanCommand({ TableName: service.tableName }));
      return null;
    };
    try {
      const answer = await service.call('GET', '/events/events/0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e10/');
      expect(answer.status).toBe(500);
      expect(service.commands.at(-1)).toBe('ScanCommand');
    } finally {
      (eventStore as { get: unknown }).get = get;
    }
    expect((await service.call('GET', '/events/events/0190b6d2-6c4e-7a3b-9f1e-2d5c8a7b4e10/')).status).toBe(404);
  });
});
