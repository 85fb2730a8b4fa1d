import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import {
  postWebhook,
  signatureHeaders,
  type WebhookOptions,
  type WebhookSettings,
  webhookBody,
  webhookTimeoutMs,
} from '../../../lib/handlers/webhook.ts';
import { selfSignedCertificate } from '../net/certificate.ts';
import { sampleEvent } from './event.ts';
import { type Sink, startSink } from './http-sink.ts';

const event = sampleEvent();
const allowed: WebhookSettings = { allowPrivate: true, timeoutMs: 5_000 };
const call = { id: `${event.pk}.3.post_webhook`, now: new Date('2026-11-30T04:01:02.500Z') };
const json = (overrides: Partial<WebhookOptions> = {}): Omit<WebhookOptions, 'URL'> => ({
  content_type: 'application/json',
  replace: false,
  ...overrides,
});

describe('webhookBody', () => {
  it('sends the event as JSON when there is no data', () => {
    const { body } = webhookBody(json(), event);
    expect(JSON.parse(body)).toEqual(event);
  });

  it('sends the event as form fields when there is no data, objects as JSON', () => {
    const form = new URLSearchParams(
      webhookBody({ content_type: 'application/x-www-form-urlencoded', replace: false }, event).body,
    );
    expect(form.get('action')).toBe('login_failed');
    expect(form.get('pk')).toBe(event.pk);
    expect(JSON.parse(form.get('context') ?? '')).toEqual(event.context);
  });

  it('fills tags only inside JSON string values: keys, numbers and structure stay', () => {
    const data = JSON.stringify({
      '{action}': '{action}',
      who: ['{username}', 5, null, true],
      at: { ip: '{client_ip}' },
    });
    const { body, unknown } = webhookBody(json({ replace: true, data }), event);
    expect(JSON.parse(body)).toEqual({
      '{action}': 'login_failed',
      who: ['alice', 5, null, true],
      at: { ip: '198.51.100.7' },
    });
    expect(unknown).toEqual([]);
  });

  it('never produces invalid JSON, whatever the event holds', () => {
    const data = '{"reason": "{context.reason}", "user": "<{username}>", "n": 1}';
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (reason, username) => {
        const filled = webhookBody(
          json({ replace: true, data }),
          sampleEvent({ context: { reason }, user: { username } }),
        );
        expect(JSON.parse(filled.body)).toEqual({ reason, user: `<${username}>`, n: 1 });
      }),
    );
  });

  it('sends a tag that names an object as its JSON text inside the string', () => {
    const { body } = webhookBody(json({ replace: true, data: '{"geo": "{context.geo}"}' }), event);
    expect(JSON.parse(JSON.parse(body).geo)).toEqual({ country: 'NL', city: 'Delft' });
  });

  it('leaves tags as written without replace, and reports unknown tags with it', () => {
    expect(JSON.parse(webhookBody(json({ data: '{"a": "{action}"}' }), event).body)).toEqual({ a: '{action}' });
    const filled = webhookBody(json({ replace: true, data: '{"a": "{nope} {context.missing}"}' }), event);
    expect(JSON.parse(filled.body)).toEqual({ a: '{nope} {context.missing}' });
    expect(filled.unknown).toEqual(['{nope}', '{context.missing}']);
  });

  it('refuses JSON data that is not JSON, permanently', () => {
    expect(() => webhookBody(json({ replace: true, data: '{"user": {username}}' }), event)).toThrow(PermanentFailure);
  });

  it('fills form data given as fields or as a JSON object; values are encoded after filling', () => {
    const tricky = sampleEvent({ context: { reason: 'a&b=c d' } });
    const form = (data: string) =>
      new URLSearchParams(
        webhookBody({ content_type: 'application/x-www-form-urlencoded', replace: true, data }, tricky).body,
      );
    const fields = form('user={username}&why={context.reason}');
    expect([...fields]).toEqual([
      ['user', 'alice'],
      ['why', 'a&b=c d'],
    ]);
    const fromJson = form('{"user": "{username}", "n": 2}');
    expect([...fromJson]).toEqual([
      ['user', 'alice'],
      ['n', '2'],
    ]);
  });
});

describe('signatureHeaders', () => {
  it('signs id.timestamp.body with HMAC-SHA256 as Standard Webhooks v1', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const headers = signatureHeaders(secret, 'msg_1', 1_700_000_000, '{"a":1}');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const expected = new Webhook(secret).sign('msg_1', new Date(1_700_000_000_000), '{"a":1}');
    expect(headers['webhook-signature']).toBe(expected);
  });
});

describe('postWebhook against a real receiver', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.close());
  beforeEach(() => {
    sink.received.length = 0;
    sink.answerWith((_request, response) => response.writeHead(204).end());
  });

  it('posts the JSON body with the delivery id, unsigned without a secret', async () => {
    const notes = await postWebhook({ URL: sink.url('/in?x=1'), ...json() }, event, call, allowed);
    expect(notes).toEqual(['HTTP 204']);
    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/in?x=1');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['webhook-id']).toBe(call.id);
    expect(request?.headers['webhook-signature']).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual(event);
  });

  it('signs so that the standardwebhooks package verifies it; retries keep the webhook-id', async () => {
    const secret = `whsec_${Buffer.from('a 32 byte secret for the webhook').toString('base64')}`;
    const first = new Date();
    const later = new Date(first.getTime() + 60_000);
    await postWebhook({ URL: sink.url(), ...json({ secret }) }, event, { id: call.id, now: first }, allowed);
    await postWebhook({ URL: sink.url(), ...json({ secret }) }, event, { id: call.id, now: later }, allowed);
    const verifier = new Webhook(secret);
    for (const [index, request] of sink.received.entries()) {
      const headers = request.headers as Record<string, string>;
      expect(headers['webhook-id']).toBe(call.id);
      expect(headers['webhook-timestamp']).toBe(String(Math.floor([first, later][index]!.getTime() / 1000)));
      expect(verifier.verify(request.body, headers)).toEqual(JSON.parse(JSON.stringify(event)));
      // A changed body or another id does not verify.
      expect(() => verifier.verify(`${request.body} `, headers)).toThrow();
      expect(() => verifier.verify(request.body, { ...headers, 'webhook-id': 'other' })).toThrow();
    }
    expect(sink.received).toHaveLength(2);
  });

  it('signs with a plain (non-whsec) secret as its UTF-8 bytes, form bodies too', async () => {
    const secret = 'correct horse battery staple';
    await postWebhook(
      {
        URL: sink.url(),
        content_type: 'application/x-www-form-urlencoded',
        replace: true,
        data: 'u={username}',
        secret,
      },
      event,
      { id: call.id, now: new Date() },
      allowed,
    );
    const [request] = sink.received;
    expect(request?.body).toBe('u=alice');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const verifier = new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
    const headers = request?.headers as Record<string, string>;
    expect(() => verifier.verify('u=alice', headers, { jsonParse: false })).not.toThrow();
    expect(() => verifier.verify('u=mallory', headers, { jsonParse: false })).toThrow('No matching signature found');
  });

  it('fails (to be retried) on a non-2xx answer, naming the status', async () => {
    sink.answerWith((_request, response) => response.writeHead(503).end('down for maintenance'));
    const failure = await postWebhook({ URL: sink.url(), ...json() }, event, call, allowed).catch((error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(PermanentFailure);
    expect(failure.message).toBe('HTTP 503: down for maintenance');
  });

  it('does not follow a redirect', async () => {
    sink.answerWith((request, response) =>
      request.path === '/hook'
        ? response.writeHead(307, { location: '/elsewhere' }).end()
        : response.writeHead(204).end(),
    );
    await expect(postWebhook({ URL: sink.url(), ...json() }, event, call, allowed)).rejects.toThrow(
      'HTTP 307: redirect to /elsewhere not followed',
    );
    expect(sink.received.map((request) => request.path)).toEqual(['/hook']);
  });

  it('gives up when the receiver does not answer within the timeout', async () => {
    sink.answerWith(() => undefined);
    await expect(
      postWebhook({ URL: sink.url(), ...json() }, event, call, { allowPrivate: true, timeoutMs: 300 }),
    ).rejects.toThrow('no answer within 0.3 s');
    expect(sink.received).toHaveLength(1);
  });

  it('counts name resolution against the timeout', async () => {
    const hanging = () => new Promise<never>(() => undefined);
    await expect(
      postWebhook({ URL: 'http://slow-dns.invalid/hook', ...json() }, event, call, {
        allowPrivate: true,
        timeoutMs: 200,
        lookup: hanging,
      }),
    ).rejects.toThrow('no answer within 0.2 s');
  });

  it('waits 10 s by default', () => {
    expect(webhookTimeoutMs).toBe(10_000);
  });

  it.each([
    ['loopback', (sink: Sink) => sink.url()],
    ['localhost by name', (sink: Sink) => sink.url('/hook', 'localhost')],
    ['loopback as IPv4-mapped IPv6', (sink: Sink) => sink.url('/hook', '[::ffff:127.0.0.1]')],
    ['loopback as a decimal number', (sink: Sink) => sink.url('/hook', '2130706433')],
    ['IPv6 loopback', () => 'http://[::1]:9/hook'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['AWS IPv6 metadata', () => 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['a private network', () => 'http://10.20.30.40/hook'],
    ['a private network', () => 'https://192.168.1.1/hook'],
  ])('refuses %s unless private destinations are allowed', async (_what, url) => {
    const failure = await postWebhook({ URL: url(sink), ...json() }, event, call, {
      allowPrivate: false,
      timeoutMs: 1_000,
    }).catch((error) => error);
    expect(failure).toBeInstanceOf(PermanentFailure);
    // An address written in the URL is named; one a name resolves to is not.
    expect(failure.message).toMatch(
      /^destination .* refused: (.* is not a globally routable unicast address \(.+\)|it resolves to an address that is not globally routable)$/,
    );
    expect(sink.received).toHaveLength(0);
  });

  it('connects to the address it checked, resolving once (no DNS rebinding)', async () => {
    const lookups: string[] = [];
    const lookup = async (host: string) => {
      lookups.push(host);
      return [{ address: '127.0.0.1', family: 4 as const }];
    };
    // .invalid never resolves: the request can only arrive if the checked address was used.
    const notes = await postWebhook({ URL: sink.url('/hook', 'sink.invalid'), ...json() }, event, call, {
      ...allowed,
      lookup,
    });
    expect(notes).toEqual(['HTTP 204']);
    expect(lookups).toEqual(['sink.invalid']);
    expect(sink.received[0]?.headers.host).toBe(`sink.invalid:${sink.port}`);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = async () => [
      { address: '93.184.215.14', family: 4 as const },
      { address: '127.0.0.1', family: 4 as const },
    ];
    await expect(
      postWebhook({ URL: 'http://mixed.invalid/hook', ...json() }, event, call, {
        allowPrivate: false,
        timeoutMs: 1_000,
        lookup,
      }),
    ).rejects.toThrow('destination mixed.invalid refused: it resolves to an address that is not globally routable');
  });

  it('names no address a refused name resolves to (issue 25 item 8), whatever the range', async () => {
    for (const address of ['10.1.2.3', '169.254.169.254', 'fd00:ec2::254', '::ffff:192.168.0.1']) {
      const lookup = async () => [{ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }];
      const failure = await postWebhook({ URL: 'http://internal.invalid/hook', ...json() }, event, call, {
        allowPrivate: false,
        timeoutMs: 1_000,
        lookup,
      }).catch((error) => error);
      expect(failure).toBeInstanceOf(PermanentFailure);
      expect(failure.message, address).not.toContain(address);
      expect(failure.message).not.toMatch(/private|loopback|link-local|unique-local/i);
    }
  });

  it('refuses a URL that is not http or https, permanently', async () => {
    await expect(postWebhook({ URL: 'ftp://example.com/x', ...json() }, event, call, allowed)).rejects.toThrow(
      PermanentFailure,
    );
  });

  it('checks the certificate of an https receiver: an untrusted one gets nothing', async () => {
    const hits: string[] = [];
    const server = createHttpsServer(selfSignedCertificate(), (request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const failure = await postWebhook(
        { URL: `https://127.0.0.1:${port}/hook`, ...json() },
        event,
        call,
        allowed,
      ).catch((error) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(PermanentFailure);
      expect(failure.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(hits).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
