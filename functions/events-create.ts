import { dispatchPre } from '../lib/dispatch/pre.ts';
import { retentionDays } from '../lib/events/audit.ts';
import { eventInput } from '../lib/events/event.ts';
import { ingestEvent } from '../lib/events/ingest.ts';
import { eventShape } from '../lib/events/views.ts';
import { dispatchDeps, ingest, preRunnerDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';
import { logger } from './logger.ts';

const idempotencyTtlSeconds = 48 * 3600;
// pre bindings run here; no pre module sends mail.
const dispatch = dispatchDeps(preRunnerDeps(), logger);

export const handler = routeHandler(
  'POST /events/events/',
  {
    summary: 'Record an event',
    body: eventInput,
    headers: { 'idempotency-key': 'A retry with the same key and body answers the first response (48 hours).' },
    errors: ['input.conflict'],
    response: { status: 201, body: eventShape, description: 'The stored event.' },
  },
  ({ body, admin, headers }) => {
    const key = headers['idempotency-key'];
    return ingestEvent(ingest, body, {
      now: new Date(),
      retentionDays,
      provenance: { ingested_by: { admin: admin.name }, native_id: null, attested: false },
      pre: (event) => dispatchPre(dispatch, event),
      idempotency: key && admin ? { admin: admin.name, key, ttlSeconds: idempotencyTtlSeconds } : undefined,
    });
  },
);
