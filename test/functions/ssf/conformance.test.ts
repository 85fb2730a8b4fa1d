// The OpenID conformance suite's SSF transmitter plan (openid-ssf-transmitter-test-plan) needs
// Docker, so its modules are mirrored here by name, one test each, against the real gateway.
// Not mirrored here: the push verification modules (push.test.ts pushes a verification to a
// receiver of its own) and the TLS checks (the local gateway is plain HTTP).
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, eventually, type Service, startService } from '../../helpers/service.ts';

const verificationType = 'https://schemas.openid.net/secevent/ssf/event-type/verification';
let service: Service;
let readOnly: string;
beforeAll(async () => {
  // Verifications follow each other on one stream here (the interval: verification-interval.test.ts).
  process.env.SSF_MIN_VERIFICATION_INTERVAL_S = '0';
  service = await startService();
  readOnly = await service.admin('read-only-receiver', ['eventhandling_read']);
});
afterAll(() => service?.close());

const badToken = `ieh_${'A'.repeat(43)}`;
const expectError = (answer: Answer, status: number) => {
  expect(answer.status, answer.text).toBe(status);
  if (status !== 401 || answer.body?.err)
    expect(answer.body).toEqual({ err: expect.any(String), description: expect.any(String) });
};
const unknownId = '0'.repeat(32);
const newStream = async () => {
  const answer = await service.call('POST', '/ssf/stream', { json: { description: 'conformance' } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { stream_id: string; iss: string; aud: string; delivery: { endpoint_url: string } };
};

describe('openid-ssf-transmitter-test-plan, mirrored', () => {
  it('OIDSSFTransmitterMetadataTest', async () => {
    const answer = await service.call('GET', '/.well-known/ssf-configuration', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body.spec_version).toBe('1_0');
    for (const field of ['issuer', 'jwks_uri', 'configuration_endpoint', 'status_endpoint', 'verification_endpoint']) {
      expect(answer.body[field], field).toMatch(new RegExp(`^${service.url}`));
    }
    const jwks = await fetch(answer.body.jwks_uri);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });

  it('OIDSSFStreamControlNegativeTestReadStreamWithoutAccessToken', async () => {
    expect((await service.call('GET', '/ssf/stream', { token: null })).status).toBe(401);
  });

  it('OIDSSFStreamControlNegativeTestReadStreamWithTokenInUriQuery', async () => {
    expect((await service.call('GET', `/ssf/stream?access_token=${service.rootToken}`, { token: null })).status).toBe(
      401,
    );
    expectError(await service.call('GET', `/ssf/stream?access_token=${service.rootToken}`), 401);
  });

  it('OIDSSFStreamControlNegativeTestCreateStreamWithReadOnlyToken', async () => {
    const before = await service.digest();
    expectError(await service.call('POST', '/ssf/stream', { token: readOnly, json: {} }), 403);
    expect(await service.digest()).toBe(before);
  });

  it('OIDSSFStreamControlNegativeTestReadStreamStatusWithInvalidAccessToken', async () => {
    const stream = await newStream();
    expect((await service.call('GET', `/ssf/status?stream_id=${stream.stream_id}`, { token: badToken })).status).toBe(
      401,
    );
  });

  it('OIDSSFStreamControlNegativeTestReadStatusOfUnknownStream', async () => {
    expectError(await service.call('GET', `/ssf/status?stream_id=${unknownId}`), 404);
  });

  it('OIDSSFTransmitterStreamVerificationNegativeTestInvalidBody', async () => {
    expectError(await service.call('POST', '/ssf/verify', { raw: '{"stream_id":' }), 400);
    expectError(await service.call('POST', '/ssf/verify', { json: { state: 'no stream' } }), 400);
  });

  it('OIDSSFTransmitterStreamVerificationNegativeTestInvalidToken', async () => {
    const stream = await newStream();
    expect(
      (await service.call('POST', '/ssf/verify', { token: badToken, json: { stream_id: stream.stream_id } })).status,
    ).toBe(401);
  });

  it('OIDSSFTransmitterStreamVerificationNegativeTestUnknownStream', async () => {
    expectError(await service.call('POST', '/ssf/verify', { json: { stream_id: unknownId } }), 404);
  });

  it('OIDSSFTransmitterPollEndpointAuthorizationTest', async () => {
    const stream = await newStream();
    const path = new URL(stream.delivery.endpoint_url).pathname;
    expect((await service.call('POST', path, { token: null, json: { returnImmediately: true } })).status).toBe(401);
    expect((await service.call('POST', path, { token: badToken, json: { returnImmediately: true } })).status).toBe(401);
  });

  it('OIDSSFStreamControlHappyPathTest', async () => {
    const stream = await newStream();
    expect(stream.iss).toBe(service.url);
    expect((await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`)).body.stream_id).toBe(
      stream.stream_id,
    );
    const patched = await service.call('PATCH', '/ssf/stream', {
      json: { stream_id: stream.stream_id, description: 'p' },
    });
    expect(patched.body.description).toBe('p');
    const replaced = await service.call('PUT', '/ssf/stream', {
      json: { stream_id: stream.stream_id, description: 'r' },
    });
    expect(replaced.body.description).toBe('r');
    expect((await service.call('DELETE', `/ssf/stream?stream_id=${stream.stream_id}`)).status).toBe(204);
  });

  it('OIDSSFStreamControlNegativeTestCreateStreamWithBrokenInput', async () => {
    expectError(await service.call('POST', '/ssf/stream', { raw: '{"delivery": ' }), 400);
  });

  it('OIDSSFStreamControlNegativeTestCreateStreamWithInvalidAccessToken', async () => {
    expect((await service.call('POST', '/ssf/stream', { token: badToken, json: {} })).status).toBe(401);
  });

  it('OIDSSFStreamControlNegativeTestCreateStreamWithDuplicateConfig: multiple streams allowed, a new stream_id', async () => {
    const one = await newStream();
    const two = await newStream();
    expect(two.stream_id).not.toBe(one.stream_id);
  });

  it('OIDSSFStreamControlNegativeTestReadStreamWithInvalidAccessToken', async () => {
    expect((await service.call('GET', '/ssf/stream', { token: badToken })).status).toBe(401);
  });

  it('OIDSSFStreamControlNegativeTestReadUnknownStream', async () => {
    expectError(await service.call('GET', `/ssf/stream?stream_id=${unknownId}`), 404);
  });

  it('OIDSSFStreamControlNegativeTestUpdateStreamWithInvalidToken / …ReplaceStreamWithInvalidToken / …DeleteStreamWithInvalidAccessToken', async () => {
    const stream = await newStream();
    const before = await service.digest();
    for (const method of ['PATCH', 'PUT']) {
      const answer = await service.call(method, '/ssf/stream', {
        token: badToken,
        json: { stream_id: stream.stream_id },
      });
      expect(answer.status).toBe(401);
    }
    expect(
      (await service.call('DELETE', `/ssf/stream?stream_id=${stream.stream_id}`, { token: badToken })).status,
    ).toBe(401);
    expect(await service.digest()).toBe(before);
  });

  it('OIDSSFStreamControlNegativeTestUpdateStreamWithInvalidBody / …ReplaceStreamWithInvalidBody', async () => {
    const stream = await newStream();
    for (const method of ['PATCH', 'PUT']) {
      expectError(await service.call(method, '/ssf/stream', { raw: '{"stream_id":' }), 400);
      expectError(
        await service.call(method, '/ssf/stream', { json: { stream_id: stream.stream_id, events_requested: 7 } }),
        400,
      );
    }
  });

  it('OIDSSFStreamControlNegativeTestUpdateUnknownStream / …ReplaceUnknownStream / …DeleteUnknownStream', async () => {
    for (const method of ['PATCH', 'PUT']) {
      expectError(await service.call(method, '/ssf/stream', { json: { stream_id: unknownId, description: 'x' } }), 404);
    }
    expectError(await service.call('DELETE', `/ssf/stream?stream_id=${unknownId}`), 404);
  });

  it('OIDSSFStreamSubjectControlHappyPathTest', async () => {
    const stream = await newStream();
    const subject = { format: 'email', email: 'conformance@example.com' };
    expect(
      (await service.call('POST', '/ssf/subjects/add', { json: { stream_id: stream.stream_id, subject } })).status,
    ).toBe(200);
    expect(
      (await service.call('POST', '/ssf/subjects/remove', { json: { stream_id: stream.stream_id, subject } })).status,
    ).toBe(204);
  });

  it('OIDSSFTransmitterStreamVerificationPollOnlyTest / …PollAndAckTest / …AckOnlyTest', async () => {
    const stream = await newStream();
    const path = new URL(stream.delivery.endpoint_url).pathname;
    const jwks = createLocalJWKSet((await service.call('GET', '/ssf/jwks.json', { token: null })).body);
    expect(
      (await service.call('POST', '/ssf/verify', { json: { stream_id: stream.stream_id, state: 'conf' } })).status,
    ).toBe(204);
    // Poll only: the SET, verified; it stays until acknowledged.
    const polled = await eventually(async () => {
      const answer = await service.call('POST', path, { json: { returnImmediately: true } });
      return Object.keys(answer.body.sets).length > 0 && answer.body;
    });
    const [[jti, set]] = Object.entries(polled.sets as Record<string, string>) as [[string, string]];
    const { payload } = await jwtVerify(set, jwks, { issuer: stream.iss, audience: stream.aud, typ: 'secevent+jwt' });
    expect(payload.events).toEqual({ [verificationType]: { state: 'conf' } });
    // Poll and ack: acknowledged in the same request that asks for more.
    expect((await service.call('POST', path, { json: { returnImmediately: true } })).body.sets).toHaveProperty(jti);
    const acked = await service.call('POST', path, { json: { returnImmediately: true, ack: [jti] } });
    expect(acked.body).toEqual({ sets: {}, moreAvailable: false });
    // Ack only: maxEvents 0 answers none.
    await service.call('POST', '/ssf/verify', { json: { stream_id: stream.stream_id, state: 'again' } });
    const again = await eventually(async () => {
      const answer = await service.call('POST', path, { json: { returnImmediately: true } });
      return Object.keys(answer.body.sets).length > 0 && answer.body;
    });
    const ackOnly = await service.call('POST', path, { json: { maxEvents: 0, ack: Object.keys(again.sets) } });
    expect(ackOnly.body).toEqual({ sets: {}, moreAvailable: false });
    expect((await service.call('POST', path, { json: { returnImmediately: true } })).body.sets).toEqual({});
  });
});
