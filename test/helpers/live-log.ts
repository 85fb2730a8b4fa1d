// The store modules a live-log test uses, on a table of its own, with a live sealer that holds
// nothing yet (its state lives in the module, across the tests of one process).
import { useFreshTable } from './table.ts';

export async function liveLogStore() {
  await useFreshTable();
  const { eventStore } = await import('../../lib/store/events.ts');
  const live = await import('../../lib/store/live-seal.ts');
  const seal = await import('../../lib/store/seal.ts');
  const { eventLog } = await import('../../lib/store/event-log.ts');
  live.resetLiveSealer();
  return { store: eventStore, live, seal, makeLog: eventLog };
}
