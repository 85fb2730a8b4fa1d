// The one middy stack every route function is built from:
//   auth context → body parsing → zod → domain function → dialect reply / dialect error.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod';
import { type Dialect, type RouteKey, routeByKey, type routes } from '../../infra/routes.ts';
import type { Admin } from '../../lib/admins/admins.ts';
import type { PolicyAction } from '../../lib/admins/policy-actions.ts';
import { authentik } from '../../lib/dialects/authentik.ts';
import { onegini } from '../../lib/dialects/onegini.ts';
import { plain } from '../../lib/dialects/plain.ts';
import { privacyidea } from '../../lib/dialects/privacyidea.ts';
import type { DialectErrors, Reply } from '../../lib/dialects/reply.ts';
import { refuseOtherThanBearer, refuseQueryToken, ssf } from '../../lib/dialects/ssf.ts';
import { DomainError, type ErrorCode, type FieldIssue, invalidInput } from '../../lib/errors.ts';
import { hasOwnKey } from '../../lib/own-keys.ts';
import { logError, logger } from '../logger.ts';
import { type BodyContext, bodyParsing, textBody } from './body.ts';
import { requestLimits } from './limits.ts';

/** What the authorizer hands every function (API Gateway context values are strings). */
export interface AuthorizerContext {
  admin: string;
  actions: string;
}

export type GatewayEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

export const dialects: Record<Dialect, DialectErrors> = { authentik, onegini, plain, privacyidea, ssf };

/** Bodies above this many bytes are refused before parsing (functions/http/limits.ts). */
export const maxBodyBytes = requestLimits.bodyBytes;

/** The signed-in admin of a route that names a policy action (the authorizer checked it), else null. */
export type AdminOf<K extends RouteKey> = Extract<(typeof routes)[number], { key: K }>['action'] extends null
  ? null
  : Admin;

export interface RouteInput<P, Q, B, A extends Admin | null = Admin | null> {
  path: P;
  query: Q;
  body: B;
  admin: A;
  headers: Record<string, string | undefined>;
}

export interface Schemas<P, Q, B> {
  /** What the route does, in one line: its operation's summary in the OpenAPI document. */
  summary: string;
  path?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** The body; with `mergeQuery`, the query string and the body merged (privacyIDEA reads both). */
  body?: z.ZodType<B>;
  mergeQuery?: boolean;
  /** The body is given as its text (the route parses it), up to this many bytes. */
  textBody?: { maxBytes: number };
  /** What a success answers (status and body), for the OpenAPI document. */
  response?: {
    status: number;
    body: z.ZodType;
    description: string;
    /** Media types of the body; JSON unless named. */
    mediaTypes?: readonly string[];
    /** Response headers the route sets (name → meaning). */
    headers?: Readonly<Record<string, string>>;
  };
  /** Request headers the route reads (name → meaning), for the OpenAPI document. */
  headers?: Readonly<Record<string, string>>;
  /** Domain errors this route answers beyond those of every route (infra/openapi.ts lists those). */
  errors?: readonly ErrorCode[];
}

/** Headers on every answer, the gateway's own included. */
export const securityHeaders = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function toResponse(reply: Reply): APIGatewayProxyStructuredResultV2 {
  const headers = { ...securityHeaders, ...reply.headers };
  // A text body under a non-JSON content type (the docs page and its assets) is sent as it is.
  const asText = typeof reply.body === 'string' && !/json/i.test(headers['content-type']);
  return {
    statusCode: reply.status,
    headers,
    body: reply.body === undefined ? '' : asText ? (reply.body as string) : JSON.stringify(reply.body),
  };
}

function issuesOf(error: z.ZodError, where: string): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: issue.message }))
      : [{ field: issue.path.join('.') || where, message: issue.message }],
  );
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidInput(`invalid ${where}`, issuesOf(result.error, where));
}

/**
 * The query string and the body as one set of parameters; one named in both is refused like a
 * field twice (parsers disagree on which would win, as for a repeated field).
 */
function mergeParams(query: Record<string, string | undefined> | undefined, body: unknown): unknown {
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) return body;
  const fields = (body ?? {}) as Record<string, unknown>;
  const twice = Object.keys(query ?? {}).find((name) => hasOwnKey(fields, name));
  if (twice !== undefined) {
    throw new DomainError(
      'input.malformed',
      `Parameter ${JSON.stringify(twice)} given twice: in the query string and the body`,
    );
  }
  return { ...query, ...fields };
}

function adminFrom(event: GatewayEvent, action: PolicyAction | null): Admin | null {
  if (action === null) return null;
  const context = event.requestContext.authorizer?.lambda;
  // Without an authorizer context the gateway was bypassed: refuse rather than guess.
  if (!context) throw new DomainError('auth.forbidden', action);
  const admin = { name: context.admin, actions: context.actions.split(',').filter(Boolean) as PolicyAction[] };
  if (!admin.actions.includes(action)) throw new DomainError('auth.forbidden', action);
  return admin;
}

interface RouteContext<P, Q, B> extends BodyContext {
  admin: Admin | null;
  input: RouteInput<P, Q, B>;
}

export function routeHandler<K extends RouteKey, P = undefined, Q = undefined, B = undefined>(
  key: K,
  schemas: Schemas<P, Q, B>,
  handle: (input: RouteInput<P, Q, B, AdminOf<K>>) => Promise<Reply> | Reply,
) {
  const route = routeByKey(key);
  const dialect = dialects[route.dialect];
  const handler = middy<GatewayEvent, APIGatewayProxyStructuredResultV2, Error, RouteContext<P, Q, B>>()
    // Every log line of the request carries its Lambda and API Gateway request ids; the event is never logged.
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use({
      before: async ({ event }) => {
        logger.setCorrelationId(event.requestContext?.requestId);
      },
    })
    .use({
      onError: async (request) => {
        if (!(request.error instanceof DomainError)) logError(route.key, request.error);
        request.response = toResponse(dialect.error(request.error));
      },
    })
    .use({
      before: async ({ event, context }) => {
        if (route.dialect === 'ssf') {
          refuseQueryToken(event.queryStringParameters);
          if (route.action !== null) refuseOtherThanBearer(event.headers);
        }
        context.admin = adminFrom(event, route.action);
      },
    })
    .use(schemas.textBody ? textBody(schemas.textBody.maxBytes) : bodyParsing)
    .use({
      before: async ({ event, context }) => {
        context.input = {
          admin: context.admin,
          headers: event.headers,
          path: parse(schemas.path, event.pathParameters ?? {}, 'path'),
          query: parse(schemas.query, event.queryStringParameters ?? {}, 'query'),
          body: parse(
            schemas.body,
            schemas.mergeQuery ? mergeParams(event.queryStringParameters, context.rawBody) : context.rawBody,
            '',
          ),
        };
      },
    })
    // adminFrom returns an admin exactly when the route names an action: AdminOf<K>.
    .handler(async (_event, context) => toResponse(await handle(context.input as RouteInput<P, Q, B, AdminOf<K>>)));
  // The OpenAPI document is built from what each handler declares here.
  return Object.assign(handler, { definition: { route, schemas: schemas as Schemas<unknown, unknown, unknown> } });
}

export type RouteDefinition = ReturnType<typeof routeHandler>['definition'];
