// The one route table: the CDK stack, the local gateway, the authorizer and the OpenAPI
// document are all derived from it. Keep this file free of AWS and CDK imports: it is
// bundled into every function.

import type { PolicyAction } from '../lib/admins/policy-actions.ts';

export type Dialect = 'authentik' | 'onegini' | 'privacyidea' | 'plain' | 'ssf';

/** `read+keys`: reads the table, writes the SSF signing-key items only (the JWKS making the first key). */
export type TableAccess = 'none' | 'read' | 'read+keys' | 'write';

export interface Route {
  /** API Gateway's routeKey: `METHOD /path/{param}`. */
  readonly key: `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;
  /** Entry file under functions/, without extension. */
  readonly fn: string;
  /** null: public, no authorizer. */
  readonly action: PolicyAction | null;
  /** A public route the function opens itself, with a connector's secret (an admin token does not). */
  readonly credentials?: 'connector';
  readonly dialect: Dialect;
  /** The function's table grant: none (it never reads the table), read-only, read and the signing keys' writes, or read-write. */
  readonly access: TableAccess;
  /** Its function's timeout, where the default (10 s) is too short: a long poll. */
  readonly timeoutSeconds?: number;
  /** The SSF signing key it uses (infra/ssf-signing-keys.ts): `publish` its public part, or `sign` with it too. */
  readonly signingKey?: SigningKeyUse;
}

/** `publish`: kms:GetPublicKey (a first start reads it); `sign`: kms:Sign as well. */
export type SigningKeyUse = 'publish' | 'sign';

export const routes = [
  { key: 'GET /health', fn: 'health', action: null, dialect: 'plain', access: 'none' },
  { key: 'GET /openapi.json', fn: 'openapi-document', action: null, dialect: 'plain', access: 'none' },
  { key: 'GET /docs', fn: 'docs-page', action: null, dialect: 'plain', access: 'none' },
  { key: 'GET /docs/{asset}', fn: 'docs-asset', action: null, dialect: 'plain', access: 'none' },
  // The admin console (ui/): public like /docs, it holds no data until an admin signs in.
  { key: 'GET /ui', fn: 'ui-redirect', action: null, dialect: 'plain', access: 'none' },
  { key: 'GET /ui/', fn: 'ui-page', action: null, dialect: 'plain', access: 'none' },
  { key: 'GET /ui/{file}', fn: 'ui-asset', action: null, dialect: 'plain', access: 'none' },
  { key: 'POST /events/events/', fn: 'events-create', action: 'auditlog_write', dialect: 'authentik', access: 'write' },
  { key: 'GET /events/events/', fn: 'events-list', action: 'auditlog_read', dialect: 'authentik', access: 'read' },
  {
    key: 'GET /events/events/actions/',
    fn: 'events-actions',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'GET /events/events/volume/',
    fn: 'events-volume',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'GET /events/events/stats/',
    fn: 'events-stats',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'GET /events/events/top_per_user/',
    fn: 'events-top-per-user',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'GET /events/events/{event_uuid}/',
    fn: 'events-get',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  { key: 'GET /api/events', fn: 'onegini-events-search', action: 'auditlog_read', dialect: 'onegini', access: 'read' },
  { key: 'GET /event', fn: 'bindings-redirect', action: 'eventhandling_read', dialect: 'privacyidea', access: 'none' },
  { key: 'GET /event/', fn: 'bindings-list', action: 'eventhandling_read', dialect: 'privacyidea', access: 'read' },
  {
    key: 'GET /event/available',
    fn: 'event-names-available',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/handlermodules',
    fn: 'handler-modules-list',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/counters',
    fn: 'counters-list',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/counters/{name}',
    fn: 'counter-get',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/{eventid}',
    fn: 'bindings-get',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/positions/{handlermodule}',
    fn: 'handler-module-positions',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/actions/{handlermodule}',
    fn: 'handler-module-actions',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'GET /event/conditions/{handlermodule}',
    fn: 'handler-module-conditions',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  { key: 'POST /event', fn: 'bindings-save', action: 'eventhandling_write', dialect: 'privacyidea', access: 'write' },
  {
    key: 'PATCH /event/{eventid}',
    fn: 'bindings-patch',
    action: 'eventhandling_write',
    dialect: 'privacyidea',
    access: 'write',
  },
  {
    key: 'POST /event/enable/{eventid}',
    fn: 'bindings-enable',
    action: 'eventhandling_write',
    dialect: 'privacyidea',
    access: 'write',
  },
  {
    key: 'POST /event/disable/{eventid}',
    fn: 'bindings-disable',
    action: 'eventhandling_write',
    dialect: 'privacyidea',
    access: 'write',
  },
  {
    key: 'DELETE /event/{eventid}',
    fn: 'bindings-delete',
    action: 'eventhandling_write',
    dialect: 'privacyidea',
    access: 'write',
  },
  // The delivery ledger (a literal path beats /event/{eventid}, in API Gateway and locally).
  {
    key: 'GET /event/deliveries',
    fn: 'deliveries-list',
    action: 'eventhandling_read',
    dialect: 'privacyidea',
    access: 'read',
  },
  {
    key: 'POST /event/deliveries/{id}/replay',
    fn: 'delivery-replay',
    action: 'eventhandling_write',
    dialect: 'privacyidea',
    access: 'write',
  },
  // authentik event matcher policies
  {
    key: 'GET /policies/event_matcher/',
    fn: 'policies-list',
    action: 'policy_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'POST /policies/event_matcher/',
    fn: 'policies-create',
    action: 'policy_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'GET /policies/event_matcher/{policy_uuid}/',
    fn: 'policies-get',
    action: 'policy_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'PUT /policies/event_matcher/{policy_uuid}/',
    fn: 'policies-update',
    action: 'policy_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'PATCH /policies/event_matcher/{policy_uuid}/',
    fn: 'policies-patch',
    action: 'policy_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'DELETE /policies/event_matcher/{policy_uuid}/',
    fn: 'policies-delete',
    action: 'policy_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'GET /policies/event_matcher/{policy_uuid}/used_by/',
    fn: 'policies-used-by',
    action: 'policy_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'POST /policies/event_matcher/{policy_uuid}/test/',
    fn: 'policies-test',
    action: 'policy_write',
    dialect: 'authentik',
    access: 'read',
  },
  // Connectors: admins manage them (authentik conventions); platforms push to /ingest/ with the connector's secret.
  { key: 'GET /connectors/', fn: 'connectors-list', action: 'auditlog_read', dialect: 'authentik', access: 'read' },
  {
    key: 'POST /connectors/',
    fn: 'connectors-create',
    action: 'auditlog_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'GET /connectors/{connector_uuid}/',
    fn: 'connectors-get',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'PATCH /connectors/{connector_uuid}/',
    fn: 'connectors-patch',
    action: 'auditlog_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'DELETE /connectors/{connector_uuid}/',
    fn: 'connectors-delete',
    action: 'auditlog_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'POST /connectors/{connector_uuid}/rotate/',
    fn: 'connectors-rotate',
    action: 'auditlog_write',
    dialect: 'authentik',
    access: 'write',
  },
  // Detection rules (issue 22): authentik conventions; the dispatcher evaluates them live (lib/rules/live.ts).
  { key: 'GET /rules/', fn: 'rules-list', action: 'eventhandling_read', dialect: 'authentik', access: 'read' },
  { key: 'POST /rules/', fn: 'rules-create', action: 'eventhandling_write', dialect: 'authentik', access: 'write' },
  {
    key: 'GET /rules/{rule_uuid}/',
    fn: 'rules-get',
    action: 'eventhandling_read',
    dialect: 'authentik',
    access: 'read',
  },
  {
    key: 'PUT /rules/{rule_uuid}/',
    fn: 'rules-update',
    action: 'eventhandling_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'PATCH /rules/{rule_uuid}/',
    fn: 'rules-patch',
    action: 'eventhandling_write',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'DELETE /rules/{rule_uuid}/',
    fn: 'rules-delete',
    action: 'eventhandling_write',
    dialect: 'authentik',
    access: 'write',
  },
  // A replay of stored history: it answers the log's events and values, so it needs what reading the log needs.
  {
    key: 'POST /rules/{rule_uuid}/test/',
    fn: 'rules-test',
    action: 'auditlog_read',
    dialect: 'authentik',
    access: 'read',
  },
  // No authorizer: the function opens the route with the connector's own secret (an admin token does not).
  {
    key: 'POST /ingest/{connector_uuid}',
    fn: 'connectors-ingest',
    action: null,
    credentials: 'connector',
    dialect: 'authentik',
    access: 'write',
  },
  {
    key: 'GET /ingest/{connector_uuid}',
    fn: 'connectors-verify',
    action: null,
    credentials: 'connector',
    dialect: 'authentik',
    access: 'read',
  },
  // Shared Signals (issue 23): an SSF 1.0 transmitter; paths as lib/ssf/configuration.ts names them.
  {
    key: 'GET /.well-known/ssf-configuration',
    fn: 'ssf-configuration',
    action: null,
    dialect: 'ssf',
    access: 'none',
  },
  // Public like the configuration; the first read ever makes the signing key: its one write.
  {
    key: 'GET /ssf/jwks.json',
    fn: 'ssf-jwks',
    action: null,
    dialect: 'ssf',
    access: 'read+keys',
    signingKey: 'publish',
  },
  { key: 'POST /ssf/stream', fn: 'ssf-streams-create', action: 'eventhandling_write', dialect: 'ssf', access: 'write' },
  { key: 'GET /ssf/stream', fn: 'ssf-streams-read', action: 'eventhandling_read', dialect: 'ssf', access: 'read' },
  {
    key: 'PATCH /ssf/stream',
    fn: 'ssf-streams-update',
    action: 'eventhandling_write',
    dialect: 'ssf',
    access: 'write',
  },
  { key: 'PUT /ssf/stream', fn: 'ssf-streams-replace', action: 'eventhandling_write', dialect: 'ssf', access: 'write' },
  {
    key: 'DELETE /ssf/stream',
    fn: 'ssf-streams-delete',
    action: 'eventhandling_write',
    dialect: 'ssf',
    access: 'write',
  },
  { key: 'GET /ssf/status', fn: 'ssf-status-read', action: 'eventhandling_read', dialect: 'ssf', access: 'read' },
  { key: 'POST /ssf/status', fn: 'ssf-status-update', action: 'eventhandling_write', dialect: 'ssf', access: 'write' },
  {
    key: 'POST /ssf/subjects/add',
    fn: 'ssf-subjects-add',
    action: 'eventhandling_write',
    dialect: 'ssf',
    access: 'write',
  },
  {
    key: 'POST /ssf/subjects/remove',
    fn: 'ssf-subjects-remove',
    action: 'eventhandling_write',
    dialect: 'ssf',
    access: 'write',
  },
  // Queues a verification SET, signed with the key (made here if it is the first use).
  {
    key: 'POST /ssf/verify',
    fn: 'ssf-verify',
    action: 'eventhandling_write',
    dialect: 'ssf',
    access: 'write',
    signingKey: 'sign',
  },
  // RFC 8936 poll: reading needs eventhandling_read; an acknowledgement deletes the SETs it names.
  // Its long poll waits up to 10 s (issue 23 item 6), so the function has room beyond it.
  {
    key: 'POST /ssf/poll/{stream_id}',
    fn: 'ssf-poll',
    action: 'eventhandling_read',
    dialect: 'ssf',
    access: 'write',
    timeoutSeconds: 15,
  },
] as const satisfies readonly Route[];

export type RouteKey = (typeof routes)[number]['key'];

export function routeByKey(key: string): Route {
  const route = routes.find((r) => r.key === key);
  if (!route) throw new Error(`no route ${key} in the route table`);
  return route;
}

export function splitRouteKey(key: string): { method: string; path: string } {
  const [method, path] = key.split(' ') as [string, string];
  return { method, path };
}

/** A route path (`/event/{eventid}`, `/x/{rest+}`) as API Gateway matches it, and its parameters' names. */
export function routePattern(path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}+]+)\+?\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(param[1] as string);
      return part.endsWith('+}') ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), params };
}
