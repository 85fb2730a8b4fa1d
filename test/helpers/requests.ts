// Valid requests for every route of the table, as fast-check arbitraries. A route not listed
// here gets its path filled from `pathParameters` and nothing else; when that is not a valid
// request for a new route, the fuzz test's "valid inputs succeed" fails and names it.
import fc from 'fast-check';
import { eventActions } from '../../lib/events/actions.ts';
import { handlerModules } from '../../lib/handlers/modules.ts';
import { fillPath, methodOf, type Route } from './routes.ts';
import type { Answer, CallOptions, Service } from './service.ts';

export interface RouteRequest {
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  raw?: string;
  headers?: Record<string, string>;
  /** The whole Authorization header, when it is not the admin's (a connector's secret). */
  authorization?: string;
}

export interface ValidInputs<T = unknown> {
  arbitrary: fc.Arbitrary<T>;
  /** Turns a generated value into a request; may first create what it needs (a binding to delete). */
  request(service: Service, value: T): Promise<RouteRequest>;
}

export function send(
  service: Service,
  route: Route,
  request: RouteRequest,
  options: CallOptions = {},
): Promise<Answer> {
  const query = request.query && Object.keys(request.query).length > 0 ? `?${new URLSearchParams(request.query)}` : '';
  return service.call(methodOf(route), request.path + query, {
    json: request.json,
    form: request.form,
    raw: request.raw,
    headers: request.headers,
    authorization: request.authorization,
    ...options,
  });
}

const namedActions = eventActions.filter((action) => action !== 'custom_');
export const eventAction = fc.oneof(
  fc.constantFrom(...namedActions),
  fc.stringMatching(/^[a-z0-9_]{1,20}$/).map((suffix) => `custom_${suffix}`),
);

const text = (max = 40) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max });
const contextValue = fc.jsonValue({ maxDepth: 3, depthSize: 'small' });

/** A body `POST /events/events/` accepts. */
export const eventBody = fc.record(
  {
    action: eventAction,
    app: text().filter((app) => app.trim() !== ''),
    user: fc.record(
      { username: text(20), pk: fc.integer({ min: 1, max: 1_000_000 }), email: fc.emailAddress() },
      { requiredKeys: [] },
    ),
    context: fc.dictionary(text(20), contextValue, { maxKeys: 5 }),
    client_ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant(null)),
    brand: fc.record({ name: text(20) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['action', 'app'] },
);

const bindingEvents = fc.subarray(namedActions, { minLength: 1, maxLength: 4 }).map((names) => names.join(','));

/** Parameters `POST /event` accepts (as JSON or as form fields). */
export const bindingParams = fc.oneof(
  fc.record({
    name: text(),
    event: bindingEvents,
    handlermodule: fc.constant('Logging'),
    action: fc.constant('logging'),
    position: fc.constantFrom('pre', 'post'),
    ordering: fc.integer({ min: 0, max: 2_147_483_647 }).map(String),
    'option.level': fc.constantFrom('ERROR', 'WARNING', 'INFO', 'DEBUG'),
  }),
  fc.record({
    name: text(),
    event: bindingEvents,
    handlermodule: fc.constant('WebHook'),
    action: fc.constant('post_webhook'),
    'option.URL': fc.webUrl({ validSchemes: ['https'] }),
    'option.content_type': fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
    'option.secret': fc.stringMatching(/^[A-Za-z0-9]{16,40}$/),
  }),
);

/** Creates a binding through the API and returns its id. */
export async function createBinding(service: Service, params?: Record<string, string>): Promise<string> {
  const answer = await service.call('POST', '/event', {
    json: params ?? {
      name: 'fuzz target',
      event: 'login',
      handlermodule: 'Logging',
      action: 'logging',
      position: 'post',
    },
  });
  if (answer.status !== 200) throw new Error(`could not create a binding: ${answer.status} ${answer.text}`);
  return String(answer.body.result.value);
}

/** Ingests an event through the API and returns its uuid. */
export async function createEvent(service: Service, body: unknown = { action: 'login', app: 'fuzz' }): Promise<string> {
  const answer = await service.call('POST', '/events/events/', { json: body });
  if (answer.status !== 201) throw new Error(`could not ingest an event: ${answer.status} ${answer.text}`);
  return answer.body.pk as string;
}

const moduleName = fc.oneof(
  fc.constantFrom(...handlerModules.map((module) => module.name)),
  // Any other name is an unknown module: 200 with an empty value. `.`/`..` would be resolved by the URL.
  text(30).filter((name) => name !== '.' && name !== '..'),
);

const asText = (value: number) => String(value);

const onTheBinding =
  (key: string) =>
  async (service: Service): Promise<RouteRequest> => ({
    path: fillPath(key, { eventid: await createBinding(service) }),
  });

const uuid = fc.uuid({ version: [4, 7] });
/** Unique, since policy names are. */
const policyName = fc.tuple(text(30), uuid).map(([name, id]) => `${name.trim() || 'policy'} ${id}`);
const criteria = fc
  .record(
    {
      action: fc.oneof(eventAction, fc.constant(null)),
      client_ip: fc.oneof(
        fc.ipV4(),
        fc.ipV6(),
        fc.ipV4().map((ip) => `${ip.replace(/\.\d+$/, '.0')}/24`),
      ),
      app: text(20).filter((v) => v.trim() !== ''),
      model: fc
        .tuple(fc.stringMatching(/^[a-z_]{1,10}$/), fc.stringMatching(/^[a-z_]{1,10}$/))
        .map(([a, m]) => `${a}.${m}`),
      execution_logging: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  // At least one criterion must be set.
  .filter((c) => [c.client_ip, c.app, c.model].some((v) => v !== undefined) || (c.action ?? null) !== null);
export const policyBody = fc.tuple(policyName, criteria).map(([name, c]) => ({ name, ...c }));

/** Creates a matcher policy through the API and returns its uuid. */
export async function createPolicy(service: Service): Promise<string> {
  const answer = await service.call('POST', '/policies/event_matcher/', {
    json: { name: `fuzz target ${crypto.randomUUID()}`, action: 'login' },
  });
  if (answer.status !== 201) throw new Error(`could not create a policy: ${answer.status} ${answer.text}`);
  return answer.body.pk as string;
}

const onThePolicy =
  (key: string, body?: (value: any, service: Service) => Promise<unknown> | unknown) =>
  async (service: Service, value: unknown): Promise<RouteRequest> => ({
    path: fillPath(key, { policy_uuid: await createPolicy(service) }),
    json: body ? await body(value, service) : undefined,
  });

const connectorKinds = ['okta', 'auth0', 'cloudevents', 'authentik', 'keycloak'] as const;
export const connectorBody = fc.record(
  {
    name: text(40).filter((name) => name.trim() !== ''),
    kind: fc.constantFrom(...connectorKinds),
    enabled: fc.boolean(),
  },
  { requiredKeys: ['name', 'kind'] },
);

/** Creates a connector of a kind through the API: its uuid and secret. */
export async function createConnector(service: Service, kind = 'authentik'): Promise<{ pk: string; secret: string }> {
  const answer = await service.call('POST', '/connectors/', { json: { name: `fuzz ${crypto.randomUUID()}`, kind } });
  if (answer.status !== 201) throw new Error(`could not create a connector: ${answer.status} ${answer.text}`);
  return answer.body;
}

const onTheConnector =
  (key: string, body?: (value: any) => unknown) =>
  async (service: Service, value: unknown): Promise<RouteRequest> => ({
    path: fillPath(key, { connector_uuid: (await createConnector(service)).pk }),
    json: body ? body(value) : undefined,
  });

/** Creates a Shared Signals stream of the root admin (poll): its stream_id. */
export async function createSsfStream(service: Service): Promise<string> {
  const answer = await service.call('POST', '/ssf/stream', { json: {} });
  if (answer.status !== 201) throw new Error(`could not create a stream: ${answer.status} ${answer.text}`);
  return answer.body.stream_id;
}

const ssfEventTypes = [
  'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  'urn:example:not-supported',
];
const ssfStreamFields = fc.record(
  {
    description: text(40),
    events_requested: fc.subarray(ssfEventTypes, { minLength: 1 }),
    delivery: fc.constantFrom(
      { method: 'urn:ietf:rfc:8936' },
      { method: 'urn:ietf:rfc:8935', endpoint_url: 'http://127.0.0.1:9/events', authorization_header: 'Bearer r' },
    ),
  },
  { requiredKeys: [] },
);
const ssfSubject = fc.oneof(
  fc.emailAddress().map((email) => ({ format: 'email', email })),
  fc.record({ format: fc.constant('iss_sub'), iss: fc.constant('https://idp.example.com'), sub: text(20) }),
  fc.record({ format: fc.constant('opaque'), id: text(20) }),
);
const onTheStream =
  (path: string, part: 'query' | 'json', fields?: (value: any) => Record<string, unknown>) =>
  async (service: Service, value: unknown): Promise<RouteRequest> => {
    const named = { stream_id: await createSsfStream(service), ...fields?.(value) };
    return part === 'query' ? { path, query: named as Record<string, string> } : { path, json: named };
  };

/** An authentik-kind ingest: events as authentik serializes them, each with its own pk (the native id). */
const authentikRecords = fc.array(
  eventBody.map((event) => ({ ...event, pk: crypto.randomUUID(), created: new Date().toISOString() })),
  { minLength: 1, maxLength: 3 },
);

const rulePaths = [
  'action',
  'app',
  'client_ip',
  'user.username',
  'brand.name',
  'context.geo.country',
  'context.__proto__',
] as const;
const ruleQuery = fc.oneof(
  fc.constantFrom(
    'client_ip in cidr("10.0.0.0/8")',
    'user.username startswith "adm" and app = "authentik.core"',
    'context.geo.country in ("NL", "DE")',
  ),
  eventAction.map((action) => `action = "${action}"`),
);
/** A body `POST /rules/` accepts: value_count with a field none of its group_by paths names. */
export const ruleBody = fc
  .record(
    {
      name: fc.tuple(text(30), uuid).map(([name, id]) => `${name.trim() || 'rule'} ${id}`),
      query: ruleQuery,
      type: fc.constantFrom('event_count', 'value_count'),
      field: fc.constantFrom(...rulePaths),
      group_by: fc.subarray([...rulePaths], { maxLength: 3 }),
      window: fc.integer({ min: 10, max: 86_400 }),
      threshold: fc.integer({ min: 1, max: 1_000_000 }),
      suppress_for: fc.integer({ min: 0, max: 604_800 }),
      severity: fc.constantFrom('notice', 'warning', 'alert'),
      enabled: fc.boolean(),
    },
    { requiredKeys: ['name', 'query', 'type', 'field', 'window', 'threshold'] },
  )
  .map(({ field, ...body }) =>
    body.type === 'value_count'
      ? { ...body, field, group_by: (body.group_by ?? []).filter((path) => path !== field) }
      : body,
  );

/** Creates a detection rule through the API (its query matches no stored event) and returns its uuid. */
export async function createRule(service: Service): Promise<string> {
  const answer = await service.call('POST', '/rules/', {
    json: {
      name: `fuzz target ${crypto.randomUUID()}`,
      query: `action = "custom_fuzz_${crypto.randomUUID().slice(0, 8)}"`,
      type: 'event_count',
      window: 60,
      threshold: 5,
    },
  });
  if (answer.status !== 201) throw new Error(`could not create a rule: ${answer.status} ${answer.text}`);
  return answer.body.pk as string;
}

const onTheRule =
  (key: string, body?: (value: any) => unknown) =>
  async (service: Service, value: unknown): Promise<RouteRequest> => ({
    path: fillPath(key, { rule_uuid: await createRule(service) }),
    json: body ? body(value) : undefined,
  });

/** A replay's range: none (the default), or at most 7 days. */
const replayRange = fc.oneof(
  fc.constant({}),
  fc
    .tuple(
      fc.date({ min: new Date('2000-01-08'), max: new Date('2100-01-01'), noInvalidDate: true }),
      fc.integer({ min: 1, max: 7 * 86_400_000 }),
    )
    .map(([to, span]) => ({
      created__gte: new Date(to.getTime() - span).toISOString(),
      created__lt: to.toISOString(),
    })),
);

export const validInputs: Record<string, ValidInputs<any>> = {
  'GET /rules/': {
    arbitrary: fc.record(
      {
        page: fc.constant('1'),
        page_size: fc.integer({ min: 1, max: 1000 }).map(asText),
        search: text(20),
        type: fc.constantFrom('event_count', 'value_count'),
        ordering: fc.constantFrom('name', '-threshold', 'severity,-window'),
      },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/rules/', query }),
  },
  'POST /rules/': {
    arbitrary: ruleBody,
    request: async (_service, body) => ({ path: '/rules/', json: body }),
  },
  'GET /rules/{rule_uuid}/': {
    arbitrary: fc.constant(null),
    request: onTheRule('GET /rules/{rule_uuid}/'),
  },
  'PUT /rules/{rule_uuid}/': {
    arbitrary: ruleBody,
    request: onTheRule('PUT /rules/{rule_uuid}/', (body) => body),
  },
  'PATCH /rules/{rule_uuid}/': {
    arbitrary: fc.record(
      {
        enabled: fc.boolean(),
        threshold: fc.integer({ min: 1, max: 1_000_000 }),
        severity: fc.constantFrom('notice', 'warning', 'alert'),
        group_by: fc.subarray([...rulePaths], { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    request: onTheRule('PATCH /rules/{rule_uuid}/', (body) => body),
  },
  'DELETE /rules/{rule_uuid}/': {
    arbitrary: fc.constant(null),
    request: onTheRule('DELETE /rules/{rule_uuid}/'),
  },
  'POST /rules/{rule_uuid}/test/': {
    arbitrary: replayRange,
    request: onTheRule('POST /rules/{rule_uuid}/test/', (body) => body),
  },
  'GET /connectors/': {
    arbitrary: fc.record(
      {
        page: fc.constant('1'),
        page_size: fc.integer({ min: 1, max: 1000 }).map(asText),
        kind: fc.constantFrom(...connectorKinds),
      },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/connectors/', query }),
  },
  'POST /connectors/': {
    arbitrary: connectorBody.map((body) => ({ ...body, name: `${body.name} ${crypto.randomUUID()}` })),
    request: async (_service, body) => ({ path: '/connectors/', json: body }),
  },
  'GET /connectors/{connector_uuid}/': {
    arbitrary: fc.constant(null),
    request: onTheConnector('GET /connectors/{connector_uuid}/'),
  },
  'PATCH /connectors/{connector_uuid}/': {
    arbitrary: fc.record({ enabled: fc.boolean(), kind: fc.constantFrom(...connectorKinds) }, { requiredKeys: [] }),
    request: onTheConnector('PATCH /connectors/{connector_uuid}/', (body) => body),
  },
  'DELETE /connectors/{connector_uuid}/': {
    arbitrary: fc.constant(null),
    request: onTheConnector('DELETE /connectors/{connector_uuid}/'),
  },
  'POST /connectors/{connector_uuid}/rotate/': {
    arbitrary: fc.constant(null),
    request: onTheConnector('POST /connectors/{connector_uuid}/rotate/'),
  },
  'POST /ssf/stream': {
    arbitrary: ssfStreamFields,
    request: async (_service, body) => ({ path: '/ssf/stream', json: body }),
  },
  'GET /ssf/stream': {
    arbitrary: fc.boolean(),
    request: async (service, one) =>
      one ? { path: '/ssf/stream', query: { stream_id: await createSsfStream(service) } } : { path: '/ssf/stream' },
  },
  'PATCH /ssf/stream': { arbitrary: ssfStreamFields, request: onTheStream('/ssf/stream', 'json', (body) => body) },
  'PUT /ssf/stream': { arbitrary: ssfStreamFields, request: onTheStream('/ssf/stream', 'json', (body) => body) },
  'DELETE /ssf/stream': { arbitrary: fc.constant(null), request: onTheStream('/ssf/stream', 'query') },
  'GET /ssf/status': { arbitrary: fc.constant(null), request: onTheStream('/ssf/status', 'query') },
  'POST /ssf/status': {
    arbitrary: fc.record(
      { status: fc.constantFrom('enabled', 'paused', 'disabled'), reason: text(40) },
      { requiredKeys: ['status'] },
    ),
    request: onTheStream('/ssf/status', 'json', (body) => body),
  },
  'POST /ssf/subjects/add': {
    arbitrary: ssfSubject,
    request: onTheStream('/ssf/subjects/add', 'json', (subject) => ({ subject })),
  },
  'POST /ssf/subjects/remove': {
    arbitrary: ssfSubject,
    request: onTheStream('/ssf/subjects/remove', 'json', (subject) => ({ subject })),
  },
  'POST /ssf/verify': {
    arbitrary: fc.record({ state: text(40) }, { requiredKeys: [] }),
    request: onTheStream('/ssf/verify', 'json', (body) => body),
  },
  'POST /ssf/poll/{stream_id}': {
    arbitrary: fc.record(
      {
        maxEvents: fc.integer({ min: 0, max: 100 }),
        ack: fc.array(fc.uuid(), { maxLength: 3 }),
        setErrs: fc.dictionary(fc.uuid(), fc.record({ err: text(20), description: text(40) }), { maxKeys: 2 }),
      },
      { requiredKeys: [] },
    ),
    request: async (service, body) => ({
      path: fillPath('POST /ssf/poll/{stream_id}', { stream_id: await createSsfStream(service) }),
      // An empty queue is answered at once: a long poll would wait its 8 s for nothing.
      json: { ...body, returnImmediately: true },
    }),
  },
  'POST /ingest/{connector_uuid}': {
    arbitrary: authentikRecords,
    request: async (service, records) => {
      const connector = await createConnector(service);
      return {
        path: fillPath('POST /ingest/{connector_uuid}', { connector_uuid: connector.pk }),
        raw: JSON.stringify(records),
        authorization: `Bearer ${connector.secret}`,
      };
    },
  },
  'GET /ingest/{connector_uuid}': {
    arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => /^[\x21-\x7e]+$/.test(text)),
    request: async (service, challenge) => {
      const connector = await createConnector(service, 'okta');
      return {
        path: fillPath('GET /ingest/{connector_uuid}', { connector_uuid: connector.pk }),
        headers: { 'x-okta-verification-challenge': challenge },
        authorization: connector.secret,
      };
    },
  },
  'POST /events/events/': {
    arbitrary: eventBody,
    request: async (_service, body) => ({ path: '/events/events/', json: body }),
  },
  'GET /events/events/': {
    arbitrary: fc.record(
      {
        page: fc.constant('1'),
        page_size: fc.integer({ min: 1, max: 1000 }).map(asText),
        action: fc.constantFrom(...namedActions),
        ordering: fc.constantFrom('created', '-created'),
        username: text(20),
        client_ip: fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.ipV4().map((ip) => `${ip}/24`),
        ),
        created__gte: fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        context_model_app: text(20),
      },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/events/events/', query }),
  },
  'GET /events/events/volume/': {
    arbitrary: fc.record(
      { history_days: fc.integer({ min: 1, max: 60 }).map(asText), action: fc.constantFrom(...namedActions) },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/events/events/volume/', query }),
  },
  'GET /events/events/stats/': {
    arbitrary: fc.record(
      {
        count_steps: fc.constantFrom('hours=1', 'days=1', 'weeks=1;days=2', 'minutes=30'),
        brand_name: text(20),
      },
      { requiredKeys: ['count_steps'] },
    ),
    request: async (_service, query) => ({ path: '/events/events/stats/', query }),
  },
  'GET /events/events/top_per_user/': {
    arbitrary: fc.record(
      { action: fc.constantFrom(...namedActions), top_n: fc.integer({ min: 1, max: 100 }).map(asText) },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/events/events/top_per_user/', query }),
  },
  'GET /events/events/{event_uuid}/': {
    arbitrary: fc.constant(null),
    request: async (service) => ({
      path: fillPath('GET /events/events/{event_uuid}/', { event_uuid: await createEvent(service) }),
    }),
  },
  'GET /api/events': {
    arbitrary: fc.record(
      {
        actor: text(20),
        userId: text(20),
        limit: fc.integer({ min: 1, max: 1000 }).map(asText),
        offset: fc.integer({ min: 0, max: 1_000_000 }).map(asText),
      },
      { requiredKeys: ['actor', 'limit', 'offset'] },
    ),
    request: async (_service, query) => ({ path: '/api/events', query }),
  },
  'GET /event/{eventid}': {
    arbitrary: fc.maxSafeNat().map((n) => String(n + 1 > Number.MAX_SAFE_INTEGER ? n : n + 1)),
    request: async (_service, id) => ({ path: fillPath('GET /event/{eventid}', { eventid: id }) }),
  },
  'GET /event/positions/{handlermodule}': {
    arbitrary: moduleName,
    request: async (_service, name) => ({
      path: fillPath('GET /event/positions/{handlermodule}', { handlermodule: name }),
    }),
  },
  'GET /event/actions/{handlermodule}': {
    arbitrary: moduleName,
    request: async (_service, name) => ({
      path: fillPath('GET /event/actions/{handlermodule}', { handlermodule: name }),
    }),
  },
  'GET /event/conditions/{handlermodule}': {
    arbitrary: moduleName,
    request: async (_service, name) => ({
      path: fillPath('GET /event/conditions/{handlermodule}', { handlermodule: name }),
    }),
  },
  'POST /event': {
    arbitrary: fc.tuple(bindingParams, fc.boolean()),
    request: async (_service, [params, asForm]: [Record<string, string>, boolean]) =>
      asForm ? { path: '/event', form: params } : { path: '/event', json: params },
  },
  'PATCH /event/{eventid}': {
    arbitrary: fc.record(
      {
        name: text(),
        active: fc.boolean(),
        ordering: fc.integer({ min: 0, max: 2_147_483_647 }),
        event: fc.subarray(namedActions, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    request: async (service, body) => ({
      path: fillPath('PATCH /event/{eventid}', { eventid: await createBinding(service) }),
      json: body,
    }),
  },
  'POST /event/enable/{eventid}': {
    arbitrary: fc.constant(null),
    request: onTheBinding('POST /event/enable/{eventid}'),
  },
  'POST /event/disable/{eventid}': {
    arbitrary: fc.constant(null),
    request: onTheBinding('POST /event/disable/{eventid}'),
  },
  'DELETE /event/{eventid}': {
    arbitrary: fc.constant(null),
    request: async (service) => ({
      path: fillPath('DELETE /event/{eventid}', { eventid: await createBinding(service) }),
    }),
  },
  'GET /docs/{asset}': {
    arbitrary: fc.constantFrom('swagger-ui.css', 'swagger-ui-bundle.js'),
    request: async (_service, asset: string) => ({ path: fillPath('GET /docs/{asset}', { asset }) }),
  },
  'GET /event/counters/{name}': {
    arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/).filter((name) => name !== '.' && name !== '..'),
    request: async (_service, name: string) => {
      const { counterStore } = await import('../../lib/store/counters.ts');
      await counterStore.increase(name);
      return { path: fillPath('GET /event/counters/{name}', { name }) };
    },
  },
  'GET /event/deliveries': {
    arbitrary: fc.record(
      {
        status: fc.constantFrom('pending', 'succeeded', 'failed', 'dead'),
        binding: fc.integer({ min: 1, max: 999_999_999 }).map(asText),
        event: uuid,
        limit: fc.integer({ min: 1, max: 1000 }).map(asText),
      },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/event/deliveries', query }),
  },
  'POST /event/deliveries/{id}/replay': {
    arbitrary: fc.tuple(uuid, fc.integer({ min: 1, max: 999_999 }), fc.constantFrom('dead', 'failed')),
    request: async (_service, [event, binding, status]: [string, number, 'dead' | 'failed']) => {
      // A post delivery that ran out of attempts (or waits for one), as the dispatcher leaves it.
      const { deliveryStore } = await import('../../lib/store/deliveries.ts');
      const now = new Date().toISOString();
      const id = `${event}.${binding}.post_webhook`;
      await deliveryStore({ retentionDays: 30 }).claim({
        id,
        event,
        binding,
        binding_name: 'fuzz',
        handlermodule: 'WebHook',
        action: 'post_webhook',
        position: 'post',
        status,
        attempt: 3,
        max_attempts: 3,
        last_error: 'connection refused',
        next_attempt: status === 'failed' ? new Date(Date.now() + 3_600_000).toISOString() : null,
        notes: [],
        created: now,
        updated: now,
        rev: 0,
      });
      return { path: fillPath('POST /event/deliveries/{id}/replay', { id }) };
    },
  },
  'GET /policies/event_matcher/': {
    arbitrary: fc.record(
      {
        page: fc.constant('1'),
        page_size: fc.integer({ min: 1, max: 1000 }).map(asText),
        name: text(20),
        action: fc.constantFrom(...namedActions),
      },
      { requiredKeys: [] },
    ),
    request: async (_service, query) => ({ path: '/policies/event_matcher/', query }),
  },
  'POST /policies/event_matcher/': {
    arbitrary: policyBody,
    request: async (_service, body) => ({ path: '/policies/event_matcher/', json: body }),
  },
  'GET /policies/event_matcher/{policy_uuid}/': {
    arbitrary: fc.constant(null),
    request: onThePolicy('GET /policies/event_matcher/{policy_uuid}/'),
  },
  'PUT /policies/event_matcher/{policy_uuid}/': {
    arbitrary: policyBody,
    request: onThePolicy('PUT /policies/event_matcher/{policy_uuid}/', (body) => body),
  },
  'PATCH /policies/event_matcher/{policy_uuid}/': {
    arbitrary: fc.oneof(criteria, policyBody),
    request: onThePolicy('PATCH /policies/event_matcher/{policy_uuid}/', (body) => body),
  },
  'DELETE /policies/event_matcher/{policy_uuid}/': {
    arbitrary: fc.constant(null),
    request: onThePolicy('DELETE /policies/event_matcher/{policy_uuid}/'),
  },
  'GET /policies/event_matcher/{policy_uuid}/used_by/': {
    arbitrary: fc.constant(null),
    request: onThePolicy('GET /policies/event_matcher/{policy_uuid}/used_by/'),
  },
  'POST /policies/event_matcher/{policy_uuid}/test/': {
    arbitrary: fc.oneof(
      eventBody.map((event) => ({ event })),
      fc.constant('stored'),
    ),
    request: onThePolicy('POST /policies/event_matcher/{policy_uuid}/test/', async (value, service) =>
      value === 'stored' ? { event_uuid: await createEvent(service) } : value,
    ),
  },
};

export function validInputsOf(route: Route): ValidInputs<any> {
  return (
    validInputs[route.key] ?? {
      arbitrary: fc.constant(null),
      request: async () => ({ path: fillPath(route.key) }),
    }
  );
}
