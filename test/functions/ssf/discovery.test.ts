// Shared Signals discovery (issue 23 items 1 and 7): the transmitter configuration and the JWKS,
// public, through the real gateway; the signing key made once and kept in the table.
import { importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service?.close());

describe('GET /.well-known/ssf-configuration', () => {
  it('answers the transmitter metadata, without a credential, every URL under the issuer', async () => {
    const answer = await service.call('GET', '/.well-known/ssf-configuration', { token: null });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const issuer = service.url;
    expect(answer.body).toEqual({
      spec_version: '1_0',
      issuer,
      jwks_uri: `${issuer}/ssf/jwks.json`,
      delivery_methods_supported: ['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936'],
      configuration_endpoint: `${issuer}/ssf/stream`,
      status_endpoint: `${issuer}/ssf/status`,
      add_subject_endpoint: `${issuer}/ssf/subjects/add`,
      remove_subject_endpoint: `${issuer}/ssf/subjects/remove`,
      verification_endpoint: `${issuer}/ssf/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }],
      default_subjects: 'ALL',
    });
  });

  it('names a configured domain (PUBLIC_BASE_URL, the stack’s publicBaseUrl) as issuer, whatever the Host', async () => {
    process.env.PUBLIC_BASE_URL = 'https://events.example.com';
    try {
      const answer = await service.call('GET', '/.well-known/ssf-configuration', {
        token: null,
        headers: { 'x-forwarded-host': 'attacker.example' },
      });
      expect(answer.body.issuer).toBe('https://events.example.com');
      expect(answer.body.jwks_uri).toBe('https://events.example.com/ssf/jwks.json');
      const stream = await service.call('POST', '/ssf/stream', { json: {} });
      expect(stream.body.iss).toBe('https://events.example.com');
      expect(stream.body.delivery.endpoint_url).toBe(`https://events.example.com/ssf/poll/${stream.body.stream_id}`);
    } finally {
      delete process.env.PUBLIC_BASE_URL;
    }
  });
});

describe('GET /ssf/jwks.json', () => {
  it('holds one RSA 2048 public key, made at the first read and kept: the same kid ever after', async () => {
    const first = await service.call('GET', '/ssf/jwks.json', { token: null });
    expect(first.status, first.text).toBe(200);
    expect(first.body.keys).toHaveLength(1);
    const [key] = first.body.keys;
    expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(key.n, 'base64url').length * 8).toBe(2048);
    await expect(importJWK(key, 'RS256')).resolves.toBeDefined();
    const again = await service.call('GET', '/ssf/jwks.json', { token: null });
    expect(again.body).toEqual(first.body);
  });

  it('keeps the private part in the table and never answers it', async () => {
    const { signingKeyStore } = await import('../../../lib/store/ssf-keys.ts');
    const [stored] = await signingKeyStore.all();
    expect(stored?.pkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const answer = await service.call('GET', '/ssf/jwks.json', { token: null });
    expect(answer.body.keys[0].kid).toBe(stored?.kid);
    const body = (stored?.pkcs8 ?? '').replace(/-----[^-]+-----|\s/g, '');
    expect(answer.text).not.toContain(body.slice(40, 100));
    for (const privateMember of ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"']) {
      expect(answer.text).not.toContain(privateMember);
    }
  });
});
