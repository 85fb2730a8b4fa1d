// Shared Signals secrets (issue 23 item 7, and the project's rule): the signing keys' private parts
// (the first key's and a rotated one's), a push stream's authorization header and the admin tokens
// are never answered and never logged, through a flow of every SSF route, the dispatcher's fan-out,
// a key rotation and refusals included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, eventually, type Service, startService } from '../../helpers/service.ts';

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
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }) as typeof stream.write;
    restores.push(() => {
      stream.write = original;
    });
  }
}

const pushHeader = `Bearer push-secret-${crypto.randomUUID()}`;
let service: Service;
const answers: Answer[] = [];
const call = async (...args: Parameters<Service['call']>) => {
  const answer = await service.call(...args);
  answers.push(answer);
  return answer;
};

beforeAll(async () => {
  capture();
  process.env.SSF_STREAM_CACHE_MS = '0';
  // A rotated key signs at once, so SETs of both keys pass through the flow.
  process.env.SSF_KEY_CACHE_MS = '0';
  process.env.SSF_KEY_ACTIVATION_MS = '0';
  // Two verifications in a row on one stream (the interval: verification-interval.test.ts).
  process.env.SSF_MIN_VERIFICATION_INTERVAL_S = '0';
  service = await startService({ dispatch: true });
});
afterAll(async () => {
  for (const restore of restores.reverse()) restore();
  await service?.close();
});

describe('a Shared Signals flow', () => {
  it('answers and logs no private key, push authorization header or token', async () => {
    await call('GET', '/.well-known/ssf-configuration', { token: null });
    await call('GET', '/ssf/jwks.json', { token: null });
    const push = await call('POST', '/ssf/stream', {
      json: {
        delivery: {
          method: 'urn:ietf:rfc:8935',
          endpoint_url: 'http://127.0.0.1:9/in',
          authorization_header: pushHeader,
        },
      },
    });
    expect(push.status, push.text).toBe(201);
    const poll = await call('POST', '/ssf/stream', { json: {} });
    const id = poll.body.stream_id as string;
    await call('GET', '/ssf/stream');
    await call('PATCH', '/ssf/stream', {
      json: {
        stream_id: push.body.stream_id,
        delivery: {
          method: 'urn:ietf:rfc:8935',
          endpoint_url: 'http://127.0.0.1:9/in',
          authorization_header: pushHeader,
        },
      },
    });
    await call('PUT', '/ssf/stream', { json: { stream_id: id, description: pushHeader.slice(0, 10) } });
    await call('GET', `/ssf/status?stream_id=${id}`);
    await call('POST', '/ssf/status', { json: { stream_id: id, status: 'enabled' } });
    await call('POST', '/ssf/subjects/remove', { json: { stream_id: id, subject: { format: 'opaque', id: 'x' } } });
    await call('POST', '/ssf/subjects/add', { json: { stream_id: id, subject: { format: 'opaque', id: 'x' } } });
    await call('POST', '/ssf/verify', { json: { stream_id: id, state: 's' } });
    // Rotate as the operator's command does (the service's own key deps, in this process).
    const { ssfKeyDeps } = await import('../../../functions/deps.ts');
    const { rotateSigningKey } = await import('../../../lib/ssf/signing-keys.ts');
    const rotation = await rotateSigningKey(ssfKeyDeps);
    expect(JSON.stringify(rotation)).not.toContain('PRIVATE KEY');
    await call('GET', '/ssf/jwks.json', { token: null });
    await call('POST', '/ssf/verify', { json: { stream_id: id, state: 'after rotation' } });
    await call('POST', '/events/events/', {
      json: { action: 'logout', app: 'a', user: { pk: 1, email: 'a@example.com' } },
    });
    await eventually(async () => {
      const answer = await call('POST', `/ssf/poll/${id}`, { json: { returnImmediately: true } });
      return Object.keys(answer.body.sets).length >= 3;
    });
    // Refusals: a token in the query, bad input, unknown stream, no credential.
    await call('GET', `/ssf/stream?access_token=${service.rootToken}`);
    await call('POST', '/ssf/stream', { raw: `{"authorization_header": "${pushHeader}"` });
    await call('PATCH', '/ssf/stream', { json: { stream_id: id, iss: pushHeader } });
    await call('GET', `/ssf/status?stream_id=${'0'.repeat(32)}`);
    await call('POST', '/ssf/verify', { token: null, json: { stream_id: id } });

    const { signingKeyStore } = await import('../../../lib/store/ssf-keys.ts');
    const kept = await signingKeyStore.all();
    expect(kept).toHaveLength(2);
    const privateBodies = kept.map((key) => (key.pkcs8 ?? '').replace(/-----[^-]+-----|\s/g, ''));
    for (const body of privateBodies) expect(body.length).toBeGreaterThan(1000);
    const secrets = [
      pushHeader,
      pushHeader.slice('Bearer '.length),
      service.rootToken,
      ...privateBodies.flatMap((body) => [body.slice(100, 160), body.slice(-160, -100)]),
    ];
    // At INFO the flow writes nothing; whatever it writes (an error's line included) is searched.
    const log = captured.join('\n');
    for (const secret of secrets) {
      expect(log.includes(secret), `a secret (${secret.slice(0, 8)}…) is in the log`).toBe(false);
      for (const answer of answers)
        expect(answer.text.includes(secret), `a secret in ${answer.text.slice(0, 80)}`).toBe(false);
    }
    expect(answers.map((answer) => answer.status)).toEqual(expect.arrayContaining([200, 201, 204, 400, 401, 404]));
  });
});
