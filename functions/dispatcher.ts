// The dispatcher Lambda: the table's stream (event INSERTs, filtered by the event source
// mapping) runs the post bindings. Locally the stream poller calls this same handler.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchDeps } from '../lib/dispatch/deps.ts';
import { dispatchPost } from '../lib/dispatch/post.ts';
import { runnerDepsFromEnvironment } from '../lib/handlers/settings.ts';
import { counterStore } from '../lib/store/counters.ts';
import { dispatchStreamBatch } from '../lib/store/event-stream.ts';
import { logError } from './http/log.ts';

const deps = dispatchDeps(runnerDepsFromEnvironment(counterStore));

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  try {
    return await dispatchStreamBatch(
      event.Records,
      (stored) => dispatchPost(deps, stored),
      (record, error) => logError(`dispatcher record ${record.dynamodb?.SequenceNumber ?? '?'}`, error),
    );
  } finally {
    deps.metrics.flush();
  }
}
