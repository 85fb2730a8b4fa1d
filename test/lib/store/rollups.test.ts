// The seal against DynamoDB Local: one sealer at a time under the lease, each minute applied once.
import { beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../../lib/events/event.ts';
import { useFreshTable } from '../../helpers/table.ts';

let seal: typeof import('../../../lib/store/seal.ts');
let store: typeof import('../../../lib/store/events.ts').eventStore;
let makeLog: typeof import('../../../lib/store/event-log.ts').eventLog;
let documents: typeof import('../../../lib/store/client.ts').documents;
let tableName: string;

beforeAll(async () => {
  tableName = await useFreshTable();
  seal = await import('../../../lib/store/seal.ts');
  ({ eventStore: store } = await import('../../../lib/store/events.ts'));
  ({ eventLog: makeLog } = await import('../../../lib/store/event-log.ts'));
  ({ documents } = await import('../../../lib/store/client.ts'));
});

const sealMark = async () => {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  return (await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'SEAL', sk: 'SEAL' } }))).Item;
};

describe('the seal', () => {
  it('lets one sealer run at a time, releases the lease after, and applies each minute once', async () => {
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
    const events = Array.from({ length: 30 }, (_, i) =>
      newEvent({ action: 'login', app: 'a', user: { username: `u-${i % 3}` } }, new Date(start + i * 40_000), 30),
    );
    await store.putMany(events);
    const lastSealable = () => Math.floor((Date.now() - 90_000) / 60_000) - 1;
    const before = lastSealable();
    const runs = await Promise.all([0, 1, 2].map(() => seal.sealMinutes({ nowMs: Date.now(), delayMs: 90_000 })));
    // The lease let one of them through; the others found it held and sealed nothing.
    expect(runs.filter((n) => n > 0)).toHaveLength(1);
    const mark = await sealMark();
    expect(mark?.lease).toBeUndefined();
    expect(mark?.through).toBeGreaterThanOrEqual(before);
    expect(mark?.through).toBeLessThanOrEqual(lastSealable());

    // A crash after the rollups but before the mark: the rerun changes no count.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'SEAL', sk: 'SEAL' },
        UpdateExpression: 'SET through = :t, stable = :t',
        ExpressionAttributeValues: { ':t': Math.floor(start / 60_000) - 1 },
      }),
    );
    expect(await seal.sealMinutes({ nowMs: Date.now(), delayMs: 90_000 })).toBeGreaterThan(0);
    const log = makeLog({ readBudget: 0 });
    const range = { from: start, to: start + 20 * 60_000 };
    expect(await log.count([{ kind: 'all', value: '' }], range)).toEqual({ count: 30, estimated: false });
    expect(await log.count([{ kind: 'actor', value: 'u-1' }], range)).toEqual({ count: 10, estimated: false });
  }, 60_000);

  it('is read as of one run earlier for ROLLUP_READ_LAG_MS after a run (eventually consistent rollup reads)', async () => {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const through = (await sealMark())?.through as number;
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'SEAL', sk: 'SEAL' },
        UpdateExpression: 'SET #at = :at, stable = :stable',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': Date.now() - 2_000, ':stable': through - 7 },
      }),
    );
    expect(await seal.sealedThrough(5_000)).toBe(through - 7);
    expect(await seal.sealedThrough(1_000)).toBe(through);
  });

  it('a sealer finds the lease of another and seals nothing, though minutes wait', async () => {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const through = (await sealMark())?.through as number;
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'SEAL', sk: 'SEAL' },
        UpdateExpression: 'SET lease = :l, holder = :h, through = :t',
        ExpressionAttributeValues: { ':l': Date.now() + 60_000, ':h': 'someone else', ':t': through - 5 },
      }),
    );
    expect(await seal.sealMinutes({ nowMs: Date.now(), delayMs: 90_000 })).toBe(0);
    const mark = await sealMark();
    expect(mark?.holder).toBe('someone else');
    expect(mark?.through).toBe(through - 5);
  });
});
