// The event log as the list routes read it, built once per container.
import { envInt } from '../lib/config.ts';
import { tallies } from '../lib/store/analytics.ts';
import { eventLog } from '../lib/store/event-log.ts';

/** Events one request may read beyond its page before counts are estimated (docs/data-model.md). */
export const readBudget = envInt('EVENT_READ_BUDGET', 1000);

export const eventLogReader = eventLog({ readBudget });

/** The header that flags an estimated count, and its OpenAPI description. */
export const estimatedCountHeader = {
  'x-count-estimated':
    '`true` when the count is an estimate: an exact one would need more reads than one request may make (docs/data-model.md).',
};

export const estimatedHeaders = (estimated: boolean) => (estimated ? { 'x-count-estimated': 'true' } : undefined);

/** What the analytics routes read: the event log, the seal's tallies and the budget. */
export const analyticsDeps = { log: eventLogReader, tallies, readBudget };
