// What follows every event write: the live seal hears of a late one, and the analytics of its
// action's month (docs/data-model.md). Never throws: the events are stored; the seal catches up.
import type { Event } from '../events/event.ts';
import { recordActionMonths } from './actions-seen.ts';
import { noteLateWrites } from './late-writes.ts';

export async function afterEventsWritten(events: readonly Event[]): Promise<void> {
  await noteLateWrites(events);
  try {
    await recordActionMonths(events);
  } catch (error) {
    // The seal records the month with the action's first sealed minute there.
    const message = error instanceof Error ? error.message : String(error);
    console.error(JSON.stringify({ level: 'WARN', message: 'action month not recorded', error: message }));
  }
}
