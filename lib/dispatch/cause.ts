// Events the hub records about itself (by a handler run, or a policy evaluation during dispatch)
// carry their cause in `context.cause`; the depth of that chain stops loops.
import { hubApp, retentionDays } from '../events/audit.ts';
import { type Event, newEvent } from '../events/event.ts';
import type { RecordedEvent } from '../handlers/runners.ts';

export interface Cause {
  /** The event whose dispatch recorded this one. */
  event: string;
  /** The delivery that ran, when a handler recorded it. */
  delivery: string | null;
  /** 1 for an event caused by an outside event, 2 for one caused by that, … */
  depth: number;
}

/** How many handler-caused steps lie between this event and an outside one (0: none). */
export function causeDepth(event: Event): number {
  if (event.app !== hubApp) return 0;
  const cause = event.context.cause as Partial<Cause> | undefined;
  const depth = cause?.depth;
  return typeof depth === 'number' && Number.isSafeInteger(depth) && depth > 0 ? depth : 0;
}

/** The hub's own events (configuration changes, records of runs) never log policy executions. */
export const isHubEvent = (event: Event) => event.app === hubApp;

/** An event recorded because `parent` was dispatched: one step deeper than its parent. */
export function causedEvent(input: RecordedEvent, parent: Event, delivery: string | null, now: Date): Event {
  const cause: Cause = { event: parent.pk, delivery, depth: causeDepth(parent) + 1 };
  return newEvent(
    { action: input.action, app: hubApp, user: input.user, context: { ...input.context, cause: { ...cause } } },
    now,
    retentionDays,
  );
}
