// The dispatcher Lambda: the table's stream (event INSERTs, filtered by the event source
// mapping) is counted by the enabled detection rules, batch by batch, signalled to the Shared
// Signals streams, then runs the post bindings. Locally the stream poller calls this same handler.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchPost } from '../lib/dispatch/post.ts';
import { countAndSignal } from '../lib/dispatch/stream-batch.ts';
import { eventOfImage, isEventInsert, streamedEvents } from '../lib/store/event-stream.ts';
import { dispatchDeps, liveRuleDeps, postRunnerDeps, ssfTransmitDeps } from './deps.ts';
import { logger } from './logger.ts';

const deps = dispatchDeps(postRunnerDeps(), logger);
const batchDeps = { rules: liveRuleDeps(deps, logger), signals: ssfTransmitDeps(deps), log: logger };

/** A record behind a failed one: not started, so the stream retries from the failure in order. */
class NotStarted extends Error {
  override name = 'NotStarted';
}

// In stream order, one at a time; a failure ends the batch (partial batch response). A full
// failure is reported too, not thrown: the mapping retries from the failed record either way.
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  if (context) logger.addContext(context);
  // The whole batch first, so a slow webhook delays no fire; a failure retries the batch from its first record.
  if (!(await countAndSignal(batchDeps, streamedEvents(event.Records)))) {
    const first = event.Records[0]?.dynamodb?.SequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
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
