// A delivery: one run (and its retries) of one binding's action for one event. Its id names
// (event, binding, action), so a redelivered stream batch finds the claim and runs nothing twice.
import * as z from 'zod';
import { positions } from '../bindings/binding.ts';

export const deliveryStatuses = ['pending', 'succeeded', 'failed', 'dead', 'held'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** A delivery as GET /event/deliveries shows it. */
export const deliveryShape = z.object({
  /** `<event uuid>.<binding id>.<action>`; also the Standard Webhooks `webhook-id`. */
  id: z.string(),
  event: z.string(),
  binding: z.int(),
  binding_name: z.string(),
  handlermodule: z.string(),
  action: z.string(),
  position: z.enum(positions),
  /**
   * pending: claimed or due; failed: waiting for its next attempt (or a failed pre run); succeeded;
   * dead: out of attempts; held: not attempted yet, waiting for its turn (a paused Shared Signals push stream).
   */
  status: z.enum(deliveryStatuses),
  /** Runs started so far. */
  attempt: z.int(),
  max_attempts: z.int(),
  last_error: z.string().nullable(),
  /** When it is due (again), for pending and failed; null otherwise. */
  next_attempt: z.string().nullable(),
  /** What the last run noted (unknown tags, recipients, HTTP status). */
  notes: z.array(z.string()),
  created: z.string(),
  updated: z.string(),
});

/** A delivery as the ledger keeps it: the shown fields and the revision every change is conditioned on. */
export type Delivery = z.output<typeof deliveryShape> & { rev: number };

/** Which deliveries GET /event/deliveries lists. */
export interface DeliveryFilter {
  status?: DeliveryStatus;
  binding?: number;
  event?: string;
  limit: number;
}

/** The ledger as dispatch and the deliveries API need it (lib/store/deliveries.ts). */
export interface DeliveryStore {
  /** Writes a new delivery if none exists for (event, binding, action); false when one does. */
  claim(delivery: Delivery): Promise<boolean>;
  /**
   * Replaces `expected` by `next` (one revision later) when the stored delivery is still at
   * `expected.rev`; null when another runner changed it first.
   */
  replace(expected: Delivery, next: Delivery): Promise<Delivery | null>;
  get(id: string): Promise<Delivery | null>;
  /** Waiting deliveries whose next attempt has come, oldest first. */
  due(now: Date, limit: number): Promise<Delivery[]>;
  /** Every delivery of one event, in binding order. */
  ofEvent(event: string): Promise<Delivery[]>;
  /** Deliveries newest first. */
  list(filter: DeliveryFilter): Promise<Delivery[]>;
}

/** The binding id of a delivery no binding made (a Shared Signals push): bindings are numbered from 1. */
export const unboundBinding = 0;

export const deliveryId = (eventUuid: string, bindingId: number, action: string) =>
  `${eventUuid}.${bindingId}.${action}`;

const idPattern = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,10})\.([A-Za-z0-9_]{1,64})$/;

/** The parts of a delivery id, or null when the text is not one. */
export function parseDeliveryId(id: string): { event: string; binding: number; action: string } | null {
  const match = idPattern.exec(id);
  return match ? { event: match[1] as string, binding: Number(match[2]), action: match[3] as string } : null;
}

/** How a run ended. `permanent` failures (bad configuration, a refused destination) skip the retries. */
export type RunOutcome =
  | { ok: true; notes: string[] }
  | { ok: false; error: string; permanent: boolean; notes: string[] };

/** How the API shows a delivery (the revision is internal). */
export function deliveryView(delivery: Delivery): Omit<Delivery, 'rev'> {
  const { rev: _rev, ...view } = delivery;
  return view;
}
