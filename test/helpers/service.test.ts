// The test service's Scan guard really fires: every "no Scan on a request path" claim of the
// other tests rests on it. Its write count counts every completed write: the fuzzer's "a
// refusal writes nothing" rests on that.
import { ExecuteStatementCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  ScanCommand as DocumentScanCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
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

describe('the write count', () => {
  it('counts each completed write of the document client, of any kind, and not a refused one', async () => {
    const { documents } = await import('../../lib/store/client.ts');
    const TableName = service.tableName;
    const Key = { pk: 'WRITE-COUNT', sk: 'x' };
    const before = service.completedWrites();
    await documents.send(new PutCommand({ TableName, Item: { ...Key, n: 1 } }));
    await documents.send(
      new UpdateCommand({ TableName, Key, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 2 } }),
    );
    await documents.send(
      new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { ...Key, sk: 'y' } } }] } }),
    );
    await documents.send(
      new TransactWriteCommand({ TransactItems: [{ Delete: { TableName, Key: { ...Key, sk: 'y' } } }] }),
    );
    expect(service.completedWrites()).toBe(before + 4);
    await expect(
      documents.send(
        new DeleteCommand({ TableName, Key, ConditionExpression: 'n = :n', ExpressionAttributeValues: { ':n': 9 } }),
      ),
    ).rejects.toThrow();
    expect(service.completedWrites()).toBe(before + 4);
    // A completed write through a route counts too.
    await service.call('POST', '/events/events/', { json: { action: 'login', app: 'a' } });
    expect(service.completedWrites()).toBeGreaterThan(before + 4);
  });
});
