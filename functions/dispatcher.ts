// The dispatcher Lambda: the table's stream (event INSERTs, filtered by the event source
// mapping) runs the post bindings. Locally the stream poller calls this same handler.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchPost } from '../lib/dispatch/post.ts';
import { eventOfImage, isEventInsert } from '../lib/store/event-stream.ts';
import { dispatchDeps, postRunnerDeps } from './deps.ts';
import { logger } from './logger.ts';

const deps = dispatchDeps(postRunnerDeps(), logger);

/** A record behind a failed one: not started, so the stream retries from the failure in order. */
class NotStarted extends Error {
  override name = 'NotStarted';
}

// In stream order, one at a time; a failure ends the batch (partial batch response). A full
// failure is reported too, not thrown: the mapping retries from the failed record either way.
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  if (context) logger.addContext(context);
  let failed = false;
  const dispatchRecord = async (record: DynamoDBRecord) => {
    if (failed) throw new NotStarted('a record before this one failed');
    if (!isEventInsert(record)) return;
    try {
      await dispatchPost(deps, eventOfImage(record.dynamodb?.NewImage));
    } catch (error) {
      failed = true;
      logger.error('stream record not dispatched', { sequence_number: record.dynamodb?.SequenceNumber, error });
      throw error;
    }
  };
  try {
    // One processor per batch: the local poller and the tests may run batches at once in one process.
    return await processPartialResponse(event, dispatchRecord, new BatchProcessor(EventType.DynamoDBStreams), {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  } finally {
    deps.metrics.flush();
  }
}
