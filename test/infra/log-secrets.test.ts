// Everything the service logs during a full flow (gateway, authorizer, route functions, pre and
// post dispatch, the Logging module) is captured and searched for secrets; and every answer,
// the gateway's own included, carries the security headers.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyActions } from '../../lib/admins/policy-actions.ts';
import { fillPath, methodOf, routes } from '../helpers/routes.ts';
import { type Answer, eventually, type Service, startService } from '../helpers/service.ts';

// ---- capture: console (as vitest hands it to the worker) and the process streams ----
const captured: string[] = [];
const restores: (() => void)[] = [];
function capture() {
  for (const method of ['log', 'error', 'warn', 'info', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    };
    restores.push(() => {
      console[method] = original;
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    restores.push(() => {
      stream.write = original;
    });
  }
}

// ---- a webhook receiver ----
interface Received {
  path: string;
  headers: Record<string, unknown>;
  body: string;
}
const received: Received[] = [];
let receiver: Server;
let receiverUrl: string;

// ---- the secrets of the flow ----
const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
const masked = {
  password: `pw-${randomBytes(12).toString('hex')}`,
  api_key: `key-${randomBytes(12).toString('hex')}`,
  token: `tok-${randomBytes(12).toString('hex')}`,
  http_cookie: `sessionid=${randomBytes(12).toString('hex')}`,
  client_secret: `cs-${randomBytes(12).toString('hex')}`,
};
const badToken = `ieh_${randomBytes(32).toString('base64url')}`;
let writerToken: string;
let readerToken: string;
let service: Service;
const answers: { what: string; answer: Answer }[] = [];

async function call(what: string, method: string, path: string, options: Parameters<Service['call']>[2] = {}) {
  const answer = await service.call(method, path, options);
  answers.push({ what: `${what}: ${method} ${path} → ${answer.status}`, answer });
  return answer;
}

const secrets = () => [
  service.rootToken,
  writerToken,
  readerToken,
  badToken,
  webhookSecret,
  webhookSecret.slice('whsec_'.length),
  ...Object.values(masked),
];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  capture();
  service = await startService({ dispatch: true });
  writerToken = await service.admin('writer', [...policyActions]);
  readerToken = await service.admin('reader', ['auditlog_read']);
});

afterAll(async () => {
  for (const restore of restores.reverse()) restore();
  await service?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('a full flow', () => {
  it('runs: bindings with a secret, events with secrets in context, every credential form, errors', async () => {
    const tag = (name: string) => `{context.${name}}`;
    const message = Object.keys(masked)
      .map((name) => `${name}=${tag(name)}`)
      .join(' ');
    expect(
      (
        await call('webhook binding', 'POST', '/event', {
          token: writerToken,
          json: {
            name: 'signed hook',
            event: 'login_failed',
            handlermodule: 'WebHook',
            action: 'post_webhook',
            'option.URL': `${receiverUrl}/hook`,
            'option.content_type': 'application/json',
            'option.secret': webhookSecret,
          },
        })
      ).status,
    ).toBe(200);
    for (const position of ['pre', 'post']) {
      const answer = await call(`${position} logging binding`, 'POST', '/event', {
        authorization: writerToken,
        form: {
          name: `log ${position}`,
          event: 'login_failed',
          handlermodule: 'Logging',
          action: 'logging',
          position,
          'option.message': `secrets in ${position}: ${message} nested=${tag('nested.refresh_token')}`,
        },
      });
      expect(answer.status, answer.text).toBe(200);
    }

    const event = await call('ingest', 'POST', '/events/events/', {
      headers: { 'idempotency-key': 'flow-1' },
      json: {
        action: 'login_failed',
        app: 'log-secrets',
        user: { username: 'alice', pk: 7 },
        client_ip: '192.0.2.10',
        context: { ...masked, nested: { refresh_token: masked.token, list: [{ secret: masked.client_secret }] } },
      },
    });
    expect(event.status, event.text).toBe(201);
    expect(event.text).not.toContain(masked.password);

    // The post bindings ran: the webhook arrived, signed, and the Logging module wrote its lines.
    await eventually(async () => received.some((r) => r.path === '/hook'), 30_000);
    const hook = received.find((r) => r.path === '/hook') as Received;
    expect(hook.headers['webhook-signature']).toBeDefined();
    await eventually(async () => captured.join('').includes('secrets in post:'), 30_000);
    expect(captured.join('')).toContain('secrets in pre:');

    // Every credential form, and refusals carrying secrets.
    await call('bearer', 'GET', `/events/events/${event.body.pk}/`, { token: readerToken });
    await call('bare', 'GET', '/event/', { authorization: writerToken });
    await call('pi', 'GET', '/event/', { token: null, headers: { 'pi-authorization': writerToken } });
    const basic = Buffer.from(`reader:${readerToken}`).toString('base64');
    await call('basic', 'GET', '/api/events?actor=alice&limit=10&offset=0', { authorization: `Basic ${basic}` });
    await call('bad token', 'GET', '/events/events/', { token: badToken });
    await call('bad basic', 'GET', '/api/events?actor=alice&limit=1&offset=0', {
      authorization: `Basic ${Buffer.from(`reader:${badToken}`).toString('base64')}`,
    });
    await call('forbidden', 'POST', '/event', { token: readerToken, json: { 'option.secret': webhookSecret } });
    await call('invalid body', 'POST', '/events/events/', {
      json: { action: 'login', app: 'x', context: masked.password, token: masked.token },
    });
    await call('malformed', 'POST', '/events/events/', { raw: `{"context": {"password": "${masked.password}"` });
    await call('invalid binding', 'POST', '/event', {
      json: {
        name: 'bad',
        event: 'login',
        handlermodule: 'WebHook',
        action: 'post_webhook',
        'option.secret': webhookSecret,
      },
    });
    await call('too large', 'POST', '/events/events/', {
      json: { action: 'login', app: 'x', context: { password: masked.password, pad: 'x'.repeat(70_000) } },
    });
    const bindings = await call('read bindings', 'GET', '/event/', { token: writerToken });
    expect(bindings.text).toContain('__HIDDEN__');
    await call('unknown route', 'GET', '/nope', { token: writerToken });
    await call('redirect', 'GET', '/event', { token: writerToken });
    await call('public', 'GET', '/health', { token: null });
  });

  it('logged no token, no webhook secret and no masked context value', () => {
    const log = captured.join('\n');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of secrets()) {
      expect(log.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`).toBe(false);
    }
    // The masked values were logged as the mask, which is what the Logging module must see.
    expect(log).toContain('password=********************');
  });

  it('returned no token and no webhook secret, and no masked value', () => {
    for (const { what, answer } of answers) {
      for (const secret of secrets()) expect(answer.text.includes(secret), what).toBe(false);
    }
  });

  it('delivered the webhook without the secret and with the context masked', () => {
    for (const request of received) {
      const text = request.body + JSON.stringify(request.headers);
      for (const secret of secrets()) expect(text.includes(secret), request.path).toBe(false);
    }
  });
});

describe('security headers', () => {
  const expectHeaders = (what: string, answer: Answer) => {
    expect(answer.headers.get('cache-control'), what).toBe('no-store');
    expect(answer.headers.get('x-content-type-options'), what).toBe('nosniff');
  };

  it('are on every answer of the flow: successes, 308, 400, 401, 403, 404, 413', () => {
    const statuses = new Set(answers.map(({ answer }) => answer.status));
    for (const status of [200, 201, 308, 400, 401, 403, 404, 413]) expect(statuses).toContain(status);
    for (const { what, answer } of answers) expectHeaders(what, answer);
  });

  it.each(routes.map((route) => [route.key, route] as const))(
    'are on %s, with and without a credential',
    async (_key, route) => {
      const path = fillPath(route.key);
      expectHeaders(`${route.key} anonymous`, await service.call(methodOf(route), path, { token: null }));
      expectHeaders(`${route.key} bad token`, await service.call(methodOf(route), path, { token: badToken }));
      expectHeaders(`${route.key} admin`, await service.call(methodOf(route), path));
      if (methodOf(route) !== 'GET') {
        expectHeaders(`${route.key} malformed`, await service.call(methodOf(route), path, { raw: '{"a":' }));
      }
    },
  );
});
