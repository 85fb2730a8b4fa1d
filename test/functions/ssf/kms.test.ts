// The service as the stack runs it (SSF_KMS_KEY_ID set): SETs signed by the KMS key through the
// real gateway, and a receiver verifies them against the JWKS the route serves (issue 23 item 7).
// KMS cannot exist here: the client's `send` answers from test/helpers/fake-kms.ts, which signs
// with a real RSA key and refuses any other algorithm, message type or key id.

import { KMSClient } from '@aws-sdk/client-kms';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  importSPKI,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKms } from '../../helpers/fake-kms.ts';
import { type Service, startService } from '../../helpers/service.ts';

const kms = fakeKms();
const keyId = kms.createKey();
const send = KMSClient.prototype.send;

let service: Service;
beforeAll(async () => {
  KMSClient.prototype.send = ((command: Parameters<KMSClient['send']>[0]) => kms.client.send(command)) as never;
  process.env.SSF_KMS_KEY_ID = keyId;
  process.env.SSF_KEY_CACHE_MS = '0';
  service = await startService();
});
afterAll(async () => {
  KMSClient.prototype.send = send;
  await service?.close();
});

describe('SETs signed by the KMS key', () => {
  it('carry its kid, verify against the served JWKS, and the JWKS holds its public key only', async () => {
    const created = await service.call('POST', '/ssf/stream', { json: {} });
    expect(created.status, created.text).toBe(201);
    const streamId = created.body.stream_id as string;
    const verify = await service.call('POST', '/ssf/verify', { json: { stream_id: streamId, state: 'kms' } });
    expect(verify.status, verify.text).toBe(204);
    const polled = await service.call('POST', `/ssf/poll/${streamId}`, { json: { returnImmediately: true } });
    const [set] = Object.values(polled.body.sets as Record<string, string>);
    expect(set).toBeDefined();

    // The kid is the thumbprint of the KMS key's public part, as KMS answers it.
    const answered = kms.sent.find((command) => command.name === 'GetPublicKeyCommand');
    expect(answered?.input.KeyId).toBe(keyId);
    const spki = (
      await kms.client.send(new (await import('@aws-sdk/client-kms')).GetPublicKeyCommand({ KeyId: keyId }))
    ).PublicKey as Uint8Array;
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki).toString('base64')}\n-----END PUBLIC KEY-----`;
    const kid = await calculateJwkThumbprint(await exportJWK(await importSPKI(pem, 'RS256')));
    expect(decodeProtectedHeader(set as string)).toEqual({ alg: 'RS256', kid, typ: 'secevent+jwt' });

    const jwks = await service.call('GET', '/ssf/jwks.json', { token: null });
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([kid]);
    expect(Object.keys(jwks.body.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const { payload } = await jwtVerify(set as string, createRemoteJWKSet(new URL(`${service.url}/ssf/jwks.json`)), {
      algorithms: ['RS256'],
      typ: 'secevent+jwt',
    });
    expect(payload.sub_id).toEqual({ format: 'opaque', id: streamId });
    expect(Object.values(payload.events as object)[0]).toEqual({ state: 'kms' });

    // Signed by KMS over the digest of the JWS input, with the key the stack names.
    const signs = kms.sent.filter((command) => command.name === 'SignCommand');
    expect(signs.length).toBeGreaterThan(0);
    for (const { input } of signs) {
      expect(input).toMatchObject({
        KeyId: keyId,
        SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        MessageType: 'DIGEST',
      });
    }
  });
});
