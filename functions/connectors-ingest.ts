import * as z from 'zod';
import { connectorUuidParameter } from '../lib/connectors/connector.ts';
import { ingestFromConnector, maxIngestBytes } from '../lib/connectors/ingest.ts';
import { dispatchPre } from '../lib/dispatch/pre.ts';
import { connectorIngestDeps, dispatchDeps, preRunnerDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';
import { logger } from './logger.ts';

// pre bindings run here, as in POST /events/events/; no pre module sends mail.
const dispatch = dispatchDeps(preRunnerDeps(), logger);
const deps = connectorIngestDeps((event) => dispatchPre(dispatch, event));

export const handler = routeHandler(
  'POST /ingest/{connector_uuid}',
  {
    summary: "Receive a platform's events with the connector's secret",
    path: connectorUuidParameter,
    textBody: { maxBytes: maxIngestBytes },
    body: z.string().describe("The platform's request as it sends it: JSON, JSON lines or a CloudEvent."),
    headers: { authorization: "`Bearer <secret>`, or the connector's secret as the whole value." },
    errors: ['auth.unauthenticated', 'input.tooLarge'],
    response: {
      status: 200,
      body: z.object({
        stored: z.number().int(),
        duplicates: z.number().int(),
        skipped: z.array(
          z.object({ position: z.number().int(), native_id: z.string().nullable(), reason: z.string() }),
        ),
        events: z.array(z.string()),
      }),
      description: 'What was stored, what was stored before (by native id), and the records skipped.',
    },
  },
  async ({ path, headers, body }) => ({
    status: 200,
    body: await ingestFromConnector(deps, path.connector_uuid, headers.authorization, {
      contentType: headers['content-type'],
      headers,
      body,
    }),
  }),
);
