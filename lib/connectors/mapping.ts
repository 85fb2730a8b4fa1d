// A connector's ingest request, of its kind, as events in the one event model (authentik's fields).
//
// Every event's `app` names its source: `okta`, `auth0`, `keycloak`, the CloudEvent's `source`,
// authentik's own `app`. Its `context` holds, besides what the kind maps there:
//   context.source_kind    the connector kind that mapped it (`okta`, `auth0`, …).
//   context.source_record  the vendor's own record, whole, as received (one LogEvent, one
//                          `{ log_id, data }`, one CloudEvent in its JSON format, one authentik
//                          event, one Keycloak representation). Secrets in it are masked on
//                          ingest like any context.
//   context.source_time    the source's own time of the event (Okta `published`, Auth0
//                          `data.date`, CloudEvents `time`, authentik `created`, Keycloak `time`)
//                          as UTC ISO 8601 with milliseconds; absent when the source gave none
//                          or one that is not a timestamp. The event's `created` stays ours.
// These three keys are always ours: keys of the same name the kind maps into the context (a
// CloudEvent's data, an authentik event's context) are dropped (source_record still has them).
import type { IngestRequest, MappedRequest } from './ingest-request.ts';
import { mapAuth0 } from './kinds/auth0.ts';
import { mapAuthentik } from './kinds/authentik.ts';
import { mapCloudEvents } from './kinds/cloudevents.ts';
import { mapKeycloak } from './kinds/keycloak.ts';
import { mapOkta } from './kinds/okta.ts';

export type { IngestRequest, MappedEvent, MappedRequest, SkippedRecord } from './ingest-request.ts';
export { MalformedRequest, maxEventsPerRequest } from './ingest-request.ts';

export const connectorKinds = ['okta', 'auth0', 'cloudevents', 'authentik', 'keycloak'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

const mappers: Readonly<Record<ConnectorKind, (request: IngestRequest) => MappedRequest>> = {
  okta: mapOkta,
  auth0: mapAuth0,
  cloudevents: mapCloudEvents,
  authentik: mapAuthentik,
  keycloak: mapKeycloak,
};

/** The events of one request, in its order, and the records skipped; throws MalformedRequest. */
export function mapIngestRequest(kind: ConnectorKind, request: IngestRequest): MappedRequest {
  return mappers[kind](request);
}
