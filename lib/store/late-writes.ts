// Late writes (docs/data-model.md "The live log"): an event written more than half the live
// seal's delay after its `created` may have missed the stretch that covered it. Its writer asks
// the live mark and, when the sealer had begun that stretch, names the event there for a re-read.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { envInt } from '../config.ts';
import type { Event } from '../events/event.ts';
import { uuid7Time } from '../events/uuid7.ts';
import { documents, tableName } from './client.ts';

export const liveKey = { pk: 'LIVE', sk: 'LIVE' };

/** How old a stretch of the timeline must be before the live seal reads it. */
export const liveSealDelayMs = () => envInt('LIVE_SEAL_DELAY_MS', 500);

/** Call after events are written: names the ones the live seal may have missed. Never throws (they are stored). */
export async function noteLateWrites(events: readonly Pick<Event, 'pk'>[]): Promise<void> {
  const now = Date.now();
  // Half the delay: room for the clocks of the writer and the sealer to differ.
  const late = events.filter((event) => now - (uuid7Time(event.pk) ?? now) > liveSealDelayMs() / 2);
  if (late.length === 0) return;
  try {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: liveKey, ConsistentRead: true, ProjectionExpression: 'intent' }),
    );
    if (typeof Item?.intent !== 'number') return;
    const intent = Item.intent;
    const missed = late.filter((event) => (uuid7Time(event.pk) as number) < intent).map((event) => event.pk);
    if (missed.length === 0) return;
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: liveKey,
        UpdateExpression: 'ADD dirty :ids',
        ExpressionAttributeValues: { ':ids': new Set(missed) },
      }),
    );
  } catch (error) {
    // Counted again by the seal in at most two minutes; until then the live count may miss it.
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'late write not noted',
        error: message,
        events: late.map((e) => e.pk),
      }),
    );
  }
}
