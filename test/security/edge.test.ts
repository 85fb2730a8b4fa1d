// Red team, issue 13 items 5 (the JSON edge), 6, 7, 8 and 9, through real HTTP against a service
// configured as deployed (no private webhook destinations). Every refusal is a 4xx in the route's
// dialect and leaves the table byte-for-byte unchanged; a property test throws generated hostile
// bodies at the ingest and binding routes, with and without an Idempotency-Key.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayAnswers } from '../../infra/local/gateway.ts';
import { type Answer, type CallOptions, eventually, type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService({ dispatch: true, privateDestinations: false });
});
afterAll(() => service?.close());

const numRuns = Number(process.env.FUZZ_RUNS ?? 20);
const ingestPath = '/events/events/';
const idempotent = (key = crypto.randomUUID()) => ({ 'idempotency-key': key });

/** Calls, expects the status, and proves the table did not change. */
async function refused(method: string, path: string, options: CallOptions, status: number): Promise<Answer> {
  const before = await service.digest();
  const answer = await service.call(method, path, options);
  expect(answer.status, `${method} ${path}: ${answer.text.slice(0, 300)}`).toBe(status);
  expect(await service.digest(), `${method} ${path} changed the table`).toBe(before);
  return answer;
}

/** Sends raw bytes (fetch would encode a string as UTF-8). */
async function sendBytes(path: string, bytes: Uint8Array, contentType = 'application/json') {
  const response = await fetch(service.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${service.rootToken}`, 'content-type': contentType },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const eventText = (context: string) => `{"action":"custom_red_team","app":"red team","context":${context}}`;
const nestedObjects = (levels: number) => `${'{"k":'.repeat(levels)}1${'}'.repeat(levels)}`;
const bindingText = (extra: string) =>
  `{"name":"red team","event":"custom_red_team","handlermodule":"Logging","action":"logging",${extra}}`;

describe('item 6: paths that do not percent-decode', () => {
  it.each([
    ['GET', '/event/%ZZ'],
    ['GET', '/events/events/%ZZ/'],
    ['GET', '/docs/%ZZ'],
    ['GET', '/event/%C0%AF'],
    ['GET', '/event/%ED%A0%80'],
    ['DELETE', '/event/%FF'],
    ['PATCH', '/policies/event_matcher/%E2%82/'],
  ])('%s %s: 400 {"message":"Bad Request"} from the gateway, before auth', async (method, path) => {
    for (const token of [null, undefined]) {
      const answer = await refused(method, path, { token }, 400);
      expect(answer.body).toEqual(gatewayAnswers.badRequest.body);
      expect(answer.body).toEqual({ message: 'Bad Request' });
    }
  });
});

describe('item 5: limits on a JSON body, in the route dialect', () => {
  const authentikRefusal = async (raw: string, detail: string) => {
    for (const headers of [{}, idempotent()]) {
      const answer = await refused('POST', ingestPath, { raw, headers }, 400);
      expect(answer.body).toEqual({ detail: `JSON parse error - ${detail}` });
    }
  };

  it('nesting: 32 levels including the body are stored, 33 and 4 000 are refused', async () => {
    // The body is level 1 and context's value level 2: 31 levels there make 32.
    const deepest = await service.call('POST', ingestPath, { raw: eventText(nestedObjects(31)) });
    expect(deepest.status, deepest.text).toBe(201);
    await authentikRefusal(eventText(nestedObjects(32)), 'nesting deeper than 32 levels');
    await authentikRefusal(eventText(`${'['.repeat(4000)}${']'.repeat(4000)}`), 'nesting deeper than 32 levels');
    await authentikRefusal(eventText(nestedObjects(4000)), 'nesting deeper than 32 levels');
  });

  it('a number JSON.parse would make infinite is refused, not stored as null', async () => {
    await authentikRefusal(eventText('{"n":1e400}'), 'number 1e400 is out of range');
    await authentikRefusal(eventText('{"n":[-1e400]}'), 'number -1e400 is out of range');
    await authentikRefusal(eventText(`{"n":1${'0'.repeat(309)}}`), `number 1${'0'.repeat(39)}… is out of range`);
  });

  it('a lone surrogate is refused, in a value or in a key, in user and brand too', async () => {
    await authentikRefusal(eventText('{"s":"\\ud800"}'), 'lone surrogate \\ud800 in a string');
    await authentikRefusal(eventText('{"\\udc00":1}'), 'lone surrogate \\udc00 in a string');
    await authentikRefusal(
      '{"action":"login","app":"a","user":{"username":"x\\ud83d"}}',
      'lone surrogate \\ud83d in a string',
    );
    await authentikRefusal(
      '{"action":"login","app":"a","brand":{"name":"\\udfff"}}',
      'lone surrogate \\udfff in a string',
    );
    const pair = await service.call('POST', ingestPath, { raw: eventText('{"s":"\\ud83d\\ude00"}') });
    expect(pair.status, pair.text).toBe(201);
    expect(pair.body.context.s).toBe('😀');
  });

  it('the privacyIDEA routes refuse the same bodies with 400 and ERR905', async () => {
    for (const [extra, detail] of [
      [`"option.deep":${nestedObjects(40)}`, 'nesting deeper than 32 levels'],
      ['"ordering":1e400', 'number 1e400 is out of range'],
      ['"option.note":"\\ud800"', 'lone surrogate \\ud800 in a string'],
    ]) {
      const answer = await refused('POST', '/event', { raw: bindingText(extra as string) }, 400);
      expect(answer.body.result.error).toEqual({ code: 905, message: `ERR905: JSON parse error - ${detail}` });
    }
  });
});

describe('item 9: one rule for repeated parameters', () => {
  const form = (text: string): CallOptions => ({
    raw: text,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

  it('a form field twice is refused like a JSON key twice: authentik', async () => {
    const answer = await refused('POST', ingestPath, form('action=login&app=a&app=b'), 400);
    expect(answer.body).toEqual({ detail: 'Form parse error - duplicate field "app"' });
    const json = await refused('POST', ingestPath, { raw: '{"action":"login","app":"a","app":"b"}' }, 400);
    expect(json.body).toEqual({ detail: 'JSON parse error - duplicate key "app"' });
  });

  it('a form field twice is refused like a JSON key twice: privacyIDEA, also when it is spelled apart', async () => {
    for (const [text, name] of [
      ['name=a&event=login&handlermodule=Logging&action=logging&name=b', 'name'],
      ['name=a&event=login&event=logout&handlermodule=Logging&action=logging', 'event'],
      ['name=a&event=login&handlermodule=Logging&action=logging&option.level=1&option%2Elevel=2', 'option.level'],
    ]) {
      const answer = await refused('POST', '/event', form(text as string), 400);
      expect(answer.body.result.error).toEqual({
        code: 905,
        message: `ERR905: Form parse error - duplicate field "${name}"`,
      });
    }
    const once = await service.call(
      'POST',
      '/event',
      form('name=once&event=custom_red_team_once&handlermodule=Logging&action=logging'),
    );
    expect(once.status, once.text).toBe(200);
  });

  it('privacyIDEA: a parameter in both the query string and the body is refused, not won by either (issue 25 item 8)', async () => {
    const body = { name: 'twice', event: 'custom_red_team_twice', handlermodule: 'Logging', action: 'logging' };
    for (const [query, name] of [
      ['?name=other', 'name'],
      ['?option.level=1', 'option.level'],
    ] as const) {
      const json = await refused('POST', `/event${query}`, { json: { ...body, [name]: 'x' } }, 400);
      expect(json.body.result.error.message).toBe(
        `ERR905: Parameter "${name}" given twice: in the query string and the body`,
      );
    }
    const formTwice = await refused('DELETE', '/event/1?id=1', form('id=1'), 400);
    expect(formTwice.body.result.error.message).toMatch(/given twice/);
  });

  it('a repeated query parameter stays what API Gateway makes of it (authentik actions=a&actions=b)', async () => {
    const answer = await service.call('GET', `${ingestPath}?actions=login&actions=logout&page_size=1`);
    expect(answer.status, answer.text).toBe(200);
  });

  it('the 64 KiB limit counts the bytes received, not what decoding makes of them', async () => {
    const limit = 64 * 1024;
    const exactly = (size: number) => {
      const head = eventText('{"pad":"');
      const tail = '"}}';
      const pad = 'é'.repeat(Math.floor((size - head.length - tail.length) / 2));
      const text = `${head}${pad}${'x'.repeat(size - head.length - tail.length - pad.length * 2)}${tail}`;
      const bytes = new TextEncoder().encode(text);
      expect(bytes.length).toBe(size);
      return bytes;
    };
    expect((await sendBytes(ingestPath, exactly(limit))).status).toBe(201);
    const before = await service.digest();
    const over = await sendBytes(ingestPath, exactly(limit + 1));
    expect(over).toEqual({ status: 413, body: { detail: `Request body exceeds the limit of ${limit} bytes.` } });
    // 40 000 bytes that are not UTF-8: once decoded with replacement characters they were 120 000
    // bytes and answered 413; counted as received they are within the limit and refused as malformed.
    const notUtf8 = new Uint8Array(40_000).fill(0xff);
    expect(await sendBytes(ingestPath, notUtf8)).toEqual({
      status: 400,
      body: { detail: 'JSON parse error - the body is not valid UTF-8' },
    });
    const formNotUtf8 = await sendBytes('/event', notUtf8, 'application/x-www-form-urlencoded');
    expect(formNotUtf8.status).toBe(400);
    expect(formNotUtf8.body.result.error.message).toBe('ERR905: Form parse error - the body is not valid UTF-8');
    expect(await service.digest()).toBe(before);
  });
});

describe('item 7: credentials in context, user and brand are masked', () => {
  const mask = '********************';

  it('masks credential headers at any depth and in any case; stored, answered and read back masked', async () => {
    const created = await service.call('POST', ingestPath, {
      json: {
        action: 'custom_red_team',
        app: 'red team',
        user: { username: 'mallory', Authorization: 'Bearer user-secret' },
        context: {
          Authorization: 'Bearer top-secret',
          headers: {
            authorization: 'Bearer nested-secret',
            cookie: 'sessionid=cookie-secret',
            'Set-Cookie': ['a=set-cookie-secret'],
            'Proxy-Authorization': 'Basic proxy-secret',
            accept: 'application/json',
          },
          http_request: { HTTP_AUTHORIZATION: 'Bearer meta-secret', HTTP_COOKIE: 'c=meta-cookie', path: '/x' },
          passing: true,
        },
        brand: { name: 'acme', api_key: 'brand-secret', cookie_domain: 'brand-cookie' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const expected = {
      user: { username: 'mallory', Authorization: mask },
      context: {
        Authorization: mask,
        headers: {
          authorization: mask,
          cookie: mask,
          'Set-Cookie': mask,
          'Proxy-Authorization': mask,
          accept: 'application/json',
        },
        http_request: { HTTP_AUTHORIZATION: mask, HTTP_COOKIE: mask, path: '/x' },
        passing: true,
      },
      brand: { name: 'acme', api_key: mask, cookie_domain: mask },
    };
    expect(created.body).toMatchObject(expected);
    const read = await service.call('GET', `${ingestPath}${created.body.pk}/`);
    expect(read.body).toMatchObject(expected);
    const listed = await service.call('GET', `${ingestPath}?username=mallory`);
    expect(listed.body.results[0]).toMatchObject(expected);
    expect(JSON.stringify([created.body, read.body, listed.body])).not.toMatch(/secret|meta-cookie|brand-cookie/);
  });

  it('masks what a RequestMangler sets in user, context or brand before the event is stored', async () => {
    for (const parameter of ['user.authorization', 'context.cookie', 'brand.set_cookie']) {
      const bound = await service.call('POST', '/event', {
        json: {
          name: `mangle ${parameter}`,
          event: 'custom_red_team_mangled',
          position: 'pre',
          handlermodule: 'RequestMangler',
          action: 'set',
          'option.parameter': parameter,
          'option.value': 'mangled-secret',
        },
      });
      expect(bound.status, bound.text).toBe(200);
    }
    const created = await service.call('POST', ingestPath, {
      json: { action: 'custom_red_team_mangled', app: 'red team' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      user: { authorization: mask },
      context: { cookie: mask },
      brand: { set_cookie: mask },
    });
    const read = await service.call('GET', `${ingestPath}${created.body.pk}/`);
    expect(JSON.stringify(read.body)).not.toContain('mangled-secret');
  });
});

describe('property: hostile bodies are refused at the edge, whatever the route and Idempotency-Key', () => {
  const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => `\\u${code.toString(16)}`);
  const hugeNumber = fc.oneof(
    fc.integer({ min: 309, max: 5000 }).map((exponent) => `1e${exponent}`),
    fc.integer({ min: 309, max: 2000 }).map((digits) => `-9${'9'.repeat(digits)}`),
    fc.constantFrom('1.8e308', '-1E+400', '123.456e999'),
  );
  const deep = fc
    .array(fc.boolean(), { minLength: 32, maxLength: 3000 })
    .map((levels) => levels.reduce((inner, object) => (object ? `{"k":${inner}}` : `[${inner}]`), '0'));
  const key = fc.constantFrom('a', '', '__proto__', 'constructor', 'Authorization', 'x.y');
  // A hostile value, wrapped in a few harmless levels under a key.
  const hostile = fc
    .tuple(
      fc.oneof(
        deep.map((value) => ({ value, why: 'nesting deeper than 32 levels' })),
        hugeNumber.map((value) => ({ value, why: /^number .+ is out of range$/ })),
        surrogate.map((code) => ({ value: `"x${code}y"`, why: `lone surrogate ${code} in a string` })),
        key.map((name) => ({
          value: `{${JSON.stringify(name)}:1,${JSON.stringify(name)}:2}`,
          why: `duplicate key ${JSON.stringify(name)}`,
        })),
      ),
      key,
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([{ value, why }, name, wraps]) => ({
      value: Array.from({ length: wraps }).reduce<string>(
        (inner) => `[${inner}]`,
        `{${JSON.stringify(name)}:${value}}`,
      ),
      why,
    }));
  const where = fc.constantFrom('context', 'user', 'brand');

  it('ingest (authentik): 400 {"detail": "JSON parse error - …"}, the table unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, where, fc.boolean(), async ({ value, why }, field, withKey) => {
        const raw = `{"action":"custom_red_team","app":"red team","${field}":${value}}`;
        const answer = await refused('POST', ingestPath, { raw, headers: withKey ? idempotent() : {} }, 400);
        expect(answer.body.detail).toMatch(/^JSON parse error - /);
        expect(answer.body.detail.slice('JSON parse error - '.length)).toMatch(why);
      }),
      { numRuns },
    );
  });

  it('bindings (privacyIDEA): 400 with ERR905, the table unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async ({ value, why }) => {
        const answer = await refused('POST', '/event', { raw: bindingText(`"options":${value}`) }, 400);
        expect(answer.body.result.error.code).toBe(905);
        expect(answer.body.result.error.message.slice('ERR905: JSON parse error - '.length)).toMatch(why);
      }),
      { numRuns },
    );
  });

  it('forms: a repeated field is refused on every route that takes a body', async () => {
    const field = fc.constantFrom('app', 'action', 'name', 'event', 'option.x', 'id', '__proto__', '');
    await fc.assert(
      fc.asyncProperty(field, fc.constantFrom(ingestPath, '/event'), fc.boolean(), async (name, path, withKey) => {
        const pair = `${encodeURIComponent(name)}=1`;
        const raw = `action=login&app=a&name=n&${pair}&x=y&${pair}`;
        const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(withKey ? idempotent() : {}) };
        const answer = await refused('POST', path, { raw, headers }, 400);
        const message = path === '/event' ? answer.body.result.error.message : answer.body.detail;
        expect(message).toMatch(/Form parse error - duplicate field "/);
      }),
      { numRuns },
    );
  });
});

// Last: the stream poller writes these deliveries after the request, and the digests above must not see it.
describe('item 8: webhooks reach only globally routable unicast addresses', () => {
  it.each([
    ['IPv4-compatible loopback', 'http://[::7f00:1]:9/hook', 'ipv4Compatible'],
    ['IPv4-compatible private', 'http://[::a00:1]:9/hook', 'ipv4Compatible'],
    ['IPv4-translated loopback', 'http://[::ffff:0:7f00:1]:9/hook', 'rfc6145'],
    [
      'IPv4-mapped metadata',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'ipv4Mapped embedding 169.254.169.254: linkLocal',
    ],
    ['6to4 of a private address', 'http://[2002:a00:1::1]/hook', '6to4 embedding 10.0.0.1: private'],
    [
      'Teredo of a private client',
      'http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook',
      'teredo embedding 10.0.0.1: private',
    ],
    ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/hook', 'rfc6052 embedding 127.0.0.1: loopback'],
    ['IPv4 documentation', 'http://192.0.2.10/hook', 'reserved'],
    ['IPv4 benchmarking', 'http://198.18.0.1/hook', 'reserved'],
    ['IPv6 documentation', 'http://[2001:db8::1]/hook', 'reserved'],
    ['IPv6 documentation (RFC 9637)', 'http://[3fff::1]/hook', 'reserved'],
    ['IPv6 benchmarking', 'http://[2001:2::1]/hook', 'benchmarking'],
  ])('refuses %s: the delivery goes dead naming the range', async (_what, url, range) => {
    const event = `custom_ssrf_${crypto.randomUUID().slice(0, 8)}`;
    const bound = await service.call('POST', '/event', {
      json: {
        name: `ssrf ${url}`,
        event,
        handlermodule: 'WebHook',
        action: 'post_webhook',
        'option.URL': url,
        'option.content_type': 'application/json',
      },
    });
    expect(bound.status, bound.text).toBe(200);
    const created = await service.call('POST', ingestPath, { json: { action: event, app: 'red team' } });
    expect(created.status, created.text).toBe(201);
    const [delivery] = await eventually(async () => {
      const listed = await service.call('GET', `/event/deliveries?event=${created.body.pk}`);
      const found = listed.body.result.value as { status: string; last_error: string }[];
      return found[0]?.status === 'dead' && found;
    });
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    expect(delivery?.last_error).toContain(`is not a globally routable unicast address (${range})`);
    expect(delivery?.last_error).toContain(host);
  });
});
