// The ingest write (lib/events/ingest.ts): the event, its Idempotency-Key claim and the counter
// changes of its pre bindings in one transaction, so that either all of them count or none.

import { VersionConflict } from '../conflicts.ts';
import type { Event } from '../events/event.ts';
import type { IngestStore } from '../events/ingest.ts';
import { recordAction } from './actions-seen.ts';
import { transactWrite } from './conflicts.ts';
import { counterChangeUpdate } from './counters.ts';
import { claimedReply, eventPut, eventStore, idempotencyClaimPut } from './events.ts';
import { afterEventsWritten } from './events-written.ts';

/** The transaction item whose condition failed. */
class FailedItem extends Error {
  constructor(readonly index: number) {
    super(`condition of transaction item ${index} failed`);
  }
}

const maxAttempts = 10;

/** Custom actions this container has recorded already (known actions need no record). */
const recordedCustomActions = new Set<string>();

/** A custom action is findable by substring at once, not only once its minute is sealed. */
async function recordCustomAction(event: Event) {
  if (!event.action.startsWith('custom_') || recordedCustomActions.has(event.action)) return;
  await recordAction(event.action, Math.floor(Date.parse(event.expires) / 1000) + 86_400);
  recordedCustomActions.add(event.action);
}

export const ingestStore: IngestStore = {
  earlierReply: (admin, key) => eventStore.earlierReply(admin, key),
  earlierReplies: (admin, keys) => eventStore.earlierReplies(admin, keys),

  async putClaimed(writes) {
    const results = await eventStore.putClaimed(writes);
    for (const [i, { event }] of writes.entries()) if (results[i] === null) await recordCustomAction(event);
    return results;
  },

  async put(event, claim, counters) {
    const earlier = await writeIngested(event, claim, counters);
    if (earlier === null) await recordCustomAction(event);
    return earlier;
  },
};

const writeIngested: IngestStore['put'] = async (event, claim, counters) => {
  if (counters.length === 0) return eventStore.put(event, claim);
  // Counters whose clamped decreases must be written from the value read (see counterChangeUpdate).
  const fromValue = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const updates = await Promise.all(
      counters.map((change) => counterChangeUpdate(change, fromValue.has(change.name))),
    );
    const head = claim ? [idempotencyClaimPut(claim)] : [];
    try {
      await transactWrite([...head, eventPut(event), ...updates], (index) => new FailedItem(index));
      await afterEventsWritten([event]);
      return null;
    } catch (error) {
      if (error instanceof FailedItem) {
        if (claim && error.index === 0) return claimedReply(claim);
        const change = counters[error.index - head.length - 1];
        if (!change) throw error;
        fromValue.add(change.name);
      } else if (!(error instanceof VersionConflict)) {
        throw error;
      }
      // Another writer changed a counter in between: nothing was written, try again.
      if (attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
};
