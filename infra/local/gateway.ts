// The local stand-in for API Gateway (HTTP API): registers the HTTP functions of
// infra/functions.ts (the route table) and their authorizer, turns each request
// into the payload-2.0 event a Lambda gets in AWS, runs the authorizer first and answers its
// 401 exactly as the real gateway does.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';
import { securityHeaders } from '../../functions/http/route-handler.ts';
import { functionNamed, functionsTriggeredBy, onlyFunctionTriggeredBy } from '../functions.ts';
import { type Route, routePattern, splitRouteKey } from '../routes.ts';
import { type Lambda, lambdaContext, loadHandler } from './handlers.ts';
import type { RequestMeter } from './request-capacity.ts';

// API Gateway's own limit on a request payload.
const maxPayloadBytes = 10 * 1024 * 1024;

/** What API Gateway itself answers, before or instead of a route function (also in openapi.json). */
export const gatewayAnswers = {
  unauthorized: { status: 401, body: { message: 'Unauthorized' } },
  // A path that does not percent-decode to UTF-8 (README "Malformed paths").
  badRequest: { status: 400, body: { message: 'Bad Request' } },
  forbidden: { status: 403, body: { message: 'Forbidden' } },
  notFound: { status: 404, body: { message: 'Not Found' } },
  tooLarge: { status: 413, body: { message: 'Request Entity Too Large' } },
  throttled: { status: 429, body: { message: 'Too Many Requests' } },
  internal: { status: 500, body: { message: 'Internal Server Error' } },
} as const;

interface CompiledRoute {
  route: Route;
  method: string;
  pattern: RegExp;
  params: string[];
}

function compile(route: Route): CompiledRoute {
  const { method, path } = splitRouteKey(route.key);
  return { route, method, ...routePattern(path) };
}

const httpFunctions = functionsTriggeredBy('http');
// Like API Gateway: a literal path beats a parameter, so match literal-first.
const compiled = httpFunctions
  .flatMap((entry) => entry.trigger.routes)
  .map(compile)
  .sort((a, b) => a.params.length - b.params.length);

/**
 * The request's path, or null when it cannot be read or does not percent-decode to UTF-8: API
 * Gateway decodes the path before it routes, so such a request reaches no route and no authorizer.
 */
export function requestPath(target: string): string | null {
  let path: string;
  try {
    path = new URL(target, 'http://localhost').pathname;
    decodeURIComponent(path);
  } catch {
    return null;
  }
  return path;
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function gatewayEvent(request: IncomingMessage, match: CompiledRoute, values: string[], body: Buffer) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway sets it (https) over whatever a client sent; this gateway speaks plain HTTP.
  headers['x-forwarded-proto'] = 'http';
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const pathParameters = Object.fromEntries(match.params.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
  const now = Date.now();
  const text = body.toString('utf8');
  const binary = !Buffer.from(text, 'utf8').equals(body);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: match.params.length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: match.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.key,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body.length === 0 ? undefined : binary ? body.toString('base64') : text,
    isBase64Encoded: binary,
  };
  return event;
}

function authorizerEvent(event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${event.requestContext.http.method}${event.rawPath}`,
    identitySource: [],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    cookies: event.cookies ?? [],
    headers: event.headers,
    queryStringParameters: event.queryStringParameters ?? {},
    requestContext: event.requestContext,
    pathParameters: event.pathParameters ?? {},
    stageVariables: {},
  } as APIGatewayRequestAuthorizerEventV2;
}

export interface LocalGateway {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(
  options: { port?: number; host?: string; meter?: RequestMeter } = {},
): Promise<LocalGateway> {
  const authorizerEntry = onlyFunctionTriggeredBy('authorizer');
  const authorizer = await loadHandler(authorizerEntry);
  const handlers = new Map<string, Lambda>();
  for (const entry of httpFunctions) handlers.set(entry.fn, await loadHandler(entry));

  const { meter } = options;
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const send = ({ status, body }: { status: number; body: unknown }) => {
      response.writeHead(status, { ...securityHeaders, ...meter?.headers() });
      response.end(JSON.stringify(body));
    };
    try {
      const path = requestPath(request.url ?? '/');
      if (path === null) return send(gatewayAnswers.badRequest);
      let values: string[] = [];
      const match = compiled.find((candidate) => {
        if (candidate.method !== request.method) return false;
        const found = candidate.pattern.exec(path);
        if (found) values = found.slice(1);
        return found !== null;
      });
      if (!match) return send(gatewayAnswers.notFound);
      const body = await readBody(request);
      if (body === null) return send(gatewayAnswers.tooLarge);
      const event = gatewayEvent(request, match, values, body);
      if (match.route.action !== null) {
        let decision: { isAuthorized: boolean; context?: Record<string, unknown> };
        try {
          decision = (await authorizer(
            authorizerEvent(event) as never,
            lambdaContext(authorizerEntry),
          )) as typeof decision;
        } catch (error) {
          if ((error as Error).message === 'Unauthorized') return send(gatewayAnswers.unauthorized);
          throw error;
        }
        if (!decision.isAuthorized) return send(gatewayAnswers.forbidden);
        (event.requestContext as unknown as Record<string, unknown>).authorizer = { lambda: decision.context ?? {} };
      }
      const handler = handlers.get(match.route.fn) as Lambda;
      const result = (await handler(
        event as never,
        lambdaContext(functionNamed(match.route.fn)),
      )) as APIGatewayProxyStructuredResultV2;
      const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
      response.writeHead(result.statusCode ?? 200, { ...headers, ...meter?.headers() });
      response.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', where: 'gateway', message: (error as Error).message }));
      if (!response.headersSent) send(gatewayAnswers.internal);
    }
  };
  const server = createServer((request, response) =>
    meter ? meter.run(() => serve(request, response)) : serve(request, response),
  );

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
