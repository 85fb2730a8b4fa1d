// The dispatcher handler (functions/dispatcher.ts) fed the table stream's own records the way
// Lambda would feed it from several shards at once: events of one group from 16 clients, their
// records split by event shard among 4 concurrent consumers in batches of 10, then every batch
// delivered again. Exactly once per crossing, and a redelivered batch writes nothing at all.
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineClient } from '../../infra/local/engine.ts';
import { type Service, startService } from '../helpers/service.ts';

process.env.RULE_CACHE_MS = '0';

let service: Service;
let handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
beforeAll(async () => {
  // No poller: this test is the stream's only consumer.
  service = await startService();
  handler = (await import('../../functions/dispatcher.ts')).handler;
});
afterAll(() => service?.close());

/** Every event INSERT on the table's stream so far, in stream order per shard, in Lambda's form. */
async function streamRecords(): Promise<DynamoDBRecord[]> {
  const { lambdaRecord } = await import('../../infra/local/stream-poller.ts');
  const { isEventInsert } = await import('../../lib/store/event-stream.ts');
  const endpoint = process.env.DYNAMODB_ENDPOINT as string;
  const engine = engineClient(endpoint);
  const { Table } = await engine.send(new DescribeTableCommand({ TableName: service.tableName }));
  engine.destroy();
  const arn = Table?.LatestStreamArn as string;
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const records: DynamoDBRecord[] = [];
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(page.Records ?? []).map((record) => lambdaRecord(record, arn)));
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
  } finally {
    streams.destroy();
  }
  return records.filter(isEventInsert);
}

const shardOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S as string;

/** Four consumers, each owning the records of some event shards, in batches of 10, all at once. */
async function consume(records: DynamoDBRecord[]) {
  const consumers: DynamoDBRecord[][][] = [[], [], [], []];
  const shards = [...new Set(records.map(shardOf))].sort();
  shards.forEach((shard, i) => {
    const own = records.filter((record) => shardOf(record) === shard);
    for (let at = 0; at < own.length; at += 10) consumers[i % 4]?.push(own.slice(at, at + 10));
  });
  await Promise.all(
    consumers.map(async (batches) => {
      for (const batch of batches) expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    }),
  );
}

async function firesOf(rule: string): Promise<any[]> {
  const answer = await service.call(
    'GET',
    '/events/events/?action=custom_threshold_exceeded&page_size=100&ordering=created',
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body.results.filter((event: any) => event.context.rule?.pk === rule);
}

describe('concurrent consumers and redelivery', () => {
  it('16 clients, 4 consumers: two fires of 32 for 64 events; every batch again: nothing written', async () => {
    const app = `stream-${randomUUID().slice(0, 8)}`;
    const created = await service.call('POST', '/rules/', {
      json: {
        name: `rule ${app}`,
        query: `app = "${app}"`,
        type: 'event_count',
        group_by: ['user.username'],
        window: 600,
        threshold: 32,
      },
    });
    expect(created.status, created.text).toBe(201);
    const rule = created.body.pk as string;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 4; i++) {
          const answer = await service.call('POST', '/events/events/', {
            json: { action: 'login_failed', app, user: { username: 'target' } },
          });
          expect(answer.status, answer.text).toBe(201);
        }
      }),
    );
    const records = await streamRecords();
    expect(new Set(records.map(shardOf)).size).toBeGreaterThan(4);

    await consume(records);
    const fires = await firesOf(rule);
    expect(fires.map((fire) => fire.context.count)).toEqual([32, 32]);
    const { ruleStateStore } = await import('../../lib/store/rule-states.ts');
    const { groupHash } = await import('../../lib/rules/live.ts');
    const state = await ruleStateStore.get(rule, groupHash(['target']));
    expect(state?.window.entries).toEqual([]);
    expect(state?.pending).toEqual([]);

    // Lambda redelivers: the same batches, from the same shards, at once. Not a single write.
    const before = await service.digest();
    await consume(records);
    expect(await service.digest()).toBe(before);
    expect(await firesOf(rule)).toHaveLength(2);
  });
});
