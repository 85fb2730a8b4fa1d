// The local stand-in for Lambda's DynamoDB event source mapping: reads DynamoDB Local's stream
// and hands the dispatcher handler the same DynamoDBStreamEvent batches (Lambda's JSON form,
// the same filter). Like the mapping in AWS, it retries a failing record a bounded number of
// times and then sets it aside (recorded), so the events behind it go on. Timers run the
// scheduled functions of infra/functions.ts in place of their EventBridge rules.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isEventInsert, type SetAsideRecord } from '../../lib/store/event-stream.ts';
import { functionsTriggeredBy, onlyFunctionTriggeredBy } from '../functions.ts';
import { engineClient } from './engine.ts';
import { loadHandler } from './handlers.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handler: StreamHandler;
  /** Called with a record the handler kept failing on, after `maxRetries` retries. */
  setAside(record: SetAsideRecord): Promise<void>;
  /** Pause when no shard had records. */
  pollMs?: number;
  batchSize?: number;
  maxRetries?: number;
  /** Pause before retrying a failed batch (doubled per retry). */
  retryBaseMs?: number;
}

/** Lambda's JSON form of an attribute value: binary values as base64 text. */
function lambdaValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(lambdaValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, lambdaValue(inner)]));
  }
  return value;
}

export function lambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    dynamodb: {
      ApproximateCreationDateTime: created instanceof Date ? Math.floor(created.getTime() / 1000) : undefined,
      Keys: lambdaValue(stream.Keys) as never,
      NewImage: lambdaValue(stream.NewImage) as never,
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType as never,
    },
    eventSourceARN: streamArn,
  };
}

// Stream times have one-second resolution: a record written just before the start is kept.
const skewMs = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorName = (error: unknown) => (error as Error).name;

export interface StreamPoller {
  stop(): Promise<void>;
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { pollMs = 100, batchSize = 100, maxRetries = 2, retryBaseMs = 50 } = options;
  const table = engineClient(options.endpoint);
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { Table } = await table.send(new DescribeTableCommand({ TableName: options.tableName }));
  table.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);

  interface Shard {
    iterator: string | undefined;
    last: string | undefined;
    closed: boolean;
  }
  const shards = new Map<string, Shard>();

  async function iterator(shardId: string, from: { after?: string; type?: 'LATEST' | 'TRIM_HORIZON' }) {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(from.after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: from.after }
          : { ShardIteratorType: from.type ?? 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  // Every shard is read from its start (DynamoDB Local refuses LATEST iterators on a shared
  // engine); records from before the poller started (a kept DATA_DIR) are skipped by age.
  async function refreshShards() {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        const id = shard.ShardId as string;
        if (shards.has(id)) continue;
        shards.set(id, { iterator: await iterator(id, { type: 'TRIM_HORIZON' }), last: undefined, closed: false });
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** Hands the batch to the handler until every record is done or set aside. */
  async function deliver(records: DynamoDBRecord[]) {
    let pending = records;
    let failures = 0;
    while (pending.length > 0) {
      let failed: string | undefined;
      let cause = 'the handler reported the record as failed';
      try {
        const answer = await options.handler({ Records: pending });
        failed = answer?.batchItemFailures?.[0]?.itemIdentifier;
      } catch (error) {
        failed = pending[0]?.dynamodb?.SequenceNumber;
        cause = (error as Error).message;
      }
      if (failed === undefined) return;
      // Lambda's checkpoint: everything before the failed record is done.
      const at = Math.max(
        0,
        pending.findIndex((record) => record.dynamodb?.SequenceNumber === failed),
      );
      if (at > 0) failures = 0;
      pending = pending.slice(at);
      failures++;
      if (failures > maxRetries) {
        const [poison, ...rest] = pending as [DynamoDBRecord, ...DynamoDBRecord[]];
        await options.setAside({
          sequence_number: poison.dynamodb?.SequenceNumber ?? '',
          keys: poison.dynamodb?.Keys ?? null,
          error: cause,
          attempts: failures,
          time: new Date().toISOString(),
        });
        pending = rest;
        failures = 0;
      } else {
        await sleep(retryBaseMs * 2 ** (failures - 1));
      }
    }
  }

  async function readShard(id: string, shard: Shard): Promise<number> {
    if (shard.closed || shard.iterator === undefined) return 0;
    let answer: GetRecordsCommandOutput;
    try {
      answer = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: batchSize }));
    } catch (error) {
      if (!['ExpiredIteratorException', 'TrimmedDataAccessException'].includes(errorName(error))) throw error;
      shard.iterator = await iterator(id, shard.last ? { after: shard.last } : { type: 'TRIM_HORIZON' });
      return 0;
    }
    const records = answer.Records ?? [];
    const batch = records
      .filter((record) => (record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? startedAt) >= startedAt - skewMs)
      .map((record) => lambdaRecord(record, streamArn as string))
      .filter(isEventInsert);
    if (batch.length > 0) await deliver(batch);
    shard.last = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.last;
    shard.iterator = answer.NextShardIterator;
    if (shard.iterator === undefined) shard.closed = true;
    return records.length;
  }

  let running = true;
  const startedAt = Date.now();
  await refreshShards();
  const loop = (async () => {
    let lastRefresh = Date.now();
    while (running) {
      try {
        let seen = 0;
        for (const [id, shard] of shards) seen += await readShard(id, shard);
        if (Date.now() - lastRefresh > 2_000 || [...shards.values()].every((shard) => shard.closed)) {
          await refreshShards();
          lastRefresh = Date.now();
        }
        if (seen === 0) await sleep(pollMs);
      } catch (error) {
        if (!running) break;
        console.error(JSON.stringify({ level: 'ERROR', where: 'stream-poller', message: (error as Error).message }));
        await sleep(1_000);
      }
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      streams.destroy();
    },
  };
}

export interface RetryTimer {
  stop(): Promise<void>;
}

/** Calls `tick` every `intervalMs` (never two at once), in place of the scheduled retry Lambda. */
export function startRetryTimer(tick: () => Promise<unknown>, intervalMs: number): RetryTimer {
  let running = true;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      try {
        await tick();
      } catch (error) {
        console.error(JSON.stringify({ level: 'ERROR', where: 'retry-timer', message: (error as Error).message }));
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}

export interface LocalDispatch {
  stop(): Promise<void>;
}

/**
 * The stream function and the scheduled functions of infra/functions.ts (the dispatcher, the retry
 * runner, the seal) as `npm start` and the tests run them: the same handlers the Lambdas run.
 * Import after DYNAMODB_ENDPOINT and TABLE_NAME are set.
 */
export async function startLocalDispatch(options: { endpoint: string; tableName: string }): Promise<LocalDispatch> {
  const { envInt } = await import('../../lib/config.ts');
  const stream = onlyFunctionTriggeredBy('stream');
  const dispatcher = (await loadHandler(stream)) as unknown as StreamHandler;
  const jobs = await Promise.all(
    functionsTriggeredBy('schedule').map(async (job) => ({ job, handler: await loadHandler(job) })),
  );
  const { streamFailureStore } = await import('../../lib/store/event-stream.ts');
  const poller = await startStreamPoller({
    endpoint: options.endpoint,
    tableName: options.tableName,
    handler: dispatcher,
    maxRetries: envInt('STREAM_MAX_RETRIES', 2),
    pollMs: envInt('STREAM_POLL_MS', 100),
    async setAside(record) {
      console.error(JSON.stringify({ level: 'ERROR', where: 'stream-poller', message: 'record set aside', ...record }));
      await streamFailureStore.put(record);
    },
  });
  // 0 turns a timer off (the tests seal when they mean to: its writes would move table digests).
  const timers = jobs.flatMap(({ job, handler }) => {
    const intervalMs = envInt(job.trigger.local.variable, job.trigger.local.defaultMs);
    // Called without a context, as before (the seal then bounds a run to 50 s itself).
    const run = handler as unknown as (event: object) => Promise<unknown>;
    return intervalMs > 0 ? [startRetryTimer(() => run({}), intervalMs)] : [];
  });
  return {
    async stop() {
      await Promise.all([poller.stop(), ...timers.map((timer) => timer.stop())]);
    },
  };
}
