import { retentionDays } from '../lib/events/audit.ts';
import { eventInput } from '../lib/events/event.ts';
import { ingestEvent } from '../lib/events/ingest.ts';
import { eventShape } from '../lib/events/views.ts';
import { eventStore } from '../lib/store/events.ts';
import { routeHandler } from './http/route-handler.ts';

const idempotencyTtlSeconds = 48 * 3600;

export const handler = routeHandler(
  'POST /events/events/',
  { body: eventInput, response: { status: 201, body: eventShape, description: 'The stored event.' } },
  ({ body, admin, headers }) => {
    const key = headers['idempotency-key'];
    return ingestEvent(eventStore, body, {
      now: new Date(),
      retentionDays,
      idempotency: key && admin ? { admin: admin.name, key, ttlSeconds: idempotencyTtlSeconds } : undefined,
    });
  },
);
