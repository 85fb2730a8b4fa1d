// The dispatcher Lambda: the table's stream (event INSERTs, filtered by the event source
// mapping) is counted by the enabled detection rules, batch by batch, signalled to the Shared
// Signals streams, then runs the post bindings. Locally the stream poller calls this same handler.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchPost } from '../lib/dispatch/post.ts';
import { evaluateRulesLive, type StreamedEvent } from '../lib/rules/live.ts';
import { transmitEvents } from '../lib/ssf/transmit.ts';
import { eventOfImage, isEventInsert, streamedEventOf } from '../lib/store/event-stream.ts';
import { dispatchDeps, liveRuleDeps, postRunnerDeps, ssfTransmitDeps } from './deps.ts';
import { logger } from './logger.ts';

const deps = dispatchDeps(postRunnerDeps(), logger);
const rules = liveRuleDeps(deps, logger);
const signals = ssfTransmitDeps(deps);

/** The batch's stored events; one that cannot be read is left to its post dispatch, which reports it. */
function streamedEvents(records: readonly DynamoDBRecord[]): StreamedEvent[] {
  return records.filter(isEventInsert).flatMap((record) => {
    try {
      return [streamedEventOf(record)];
    } catch {
      return [];
    }
  });
}

/** A record behind a failed one: not started, so the stream retries from the failure in order. */
class NotStarted extends Error {
  override name = 'NotStarted';
}

// In stream order, one at a time; a failure ends the batch (partial batch response). A full
// failure is reported too, not thrown: the mapping retries from the failed record either way.
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  if (context) logger.addContext(context);
  // The whole batch first, so a slow webhook delays no fire; a failure retries the batch (counted once).
  const batch = streamedEvents(event.Records);
  try {
    await evaluateRulesLive(rules, batch);
  } catch (error) {
    logger.error('stream batch not counted by the detection rules', { error });
    const first = event.Records[0]?.dynamodb?.SequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
  // A failure retries the batch: rules count nothing twice, and a SET queued again keeps its jti.
  try {
    await transmitEvents(
      signals,
      batch.map((streamed) => streamed.event),
    );
  } catch (error) {
    logger.error('stream batch not signalled to the Shared Signals streams', { error });
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
