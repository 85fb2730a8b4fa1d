// Signing key rotation through the real gateway and the operator's command (issue 23 item 7):
// `npm run ssf:rotate-key` in a child process publishes the next key; verification SETs polled over
// HTTP are signed by the old key until SSF_KEY_ACTIVATION_MS has passed, then by the new one; a
// receiver (jose's createRemoteJWKSet on the JWKS URL, and local sets of JWKS answers) verifies
// them across the rotation. (The old key's leaving after 7 days: test/lib/ssf/signing-keys.test.ts.)
import { execFile } from 'node:child_process';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../../helpers/service.ts';

const root = new URL('../../../', import.meta.url).pathname;
const activationMs = 8_000;

let service: Service;
let streamId: string;
beforeAll(async () => {
  process.env.SSF_KEY_CACHE_MS = '0';
  process.env.SSF_KEY_ACTIVATION_MS = String(activationMs);
  service = await startService();
  const created = await service.call('POST', '/ssf/stream', { json: {} });
  streamId = created.body.stream_id;
});
afterAll(() => service?.close());

function rotateKey(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'ssf:rotate-key'],
      { cwd: root, env: { ...process.env, TABLE_NAME: service.tableName }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        console.log(`npm run ssf:rotate-key (exit ${code}):\n${stdout}${stderr}`);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A verification SET, signed now and fetched through poll. */
async function freshSet(state: string): Promise<string> {
  const verify = await service.call('POST', '/ssf/verify', { json: { stream_id: streamId, state } });
  expect(verify.status, verify.text).toBe(204);
  const polled = await service.call('POST', `/ssf/poll/${streamId}`, { json: { returnImmediately: true } });
  const sets = Object.entries(polled.body.sets as Record<string, string>);
  await service.call('POST', `/ssf/poll/${streamId}`, {
    json: { returnImmediately: true, ack: sets.map(([jti]) => jti), maxEvents: 0 },
  });
  const mine = sets.map(([, set]) => set).find((set) => JSON.stringify(decodeSet(set)).includes(state));
  expect(mine, `the SET with state ${state}`).toBeDefined();
  return mine as string;
}

const decodeSet = (set: string) => JSON.parse(Buffer.from(set.split('.')[1] as string, 'base64url').toString());
const kidOf = (set: string) => decodeProtectedHeader(set).kid;
const publishedKids = async () =>
  ((await service.call('GET', '/ssf/jwks.json', { token: null })).body.keys as JWK[]).map((key) => key.kid);

async function verifies(set: string, keys: Parameters<typeof jwtVerify>[1]) {
  const { protectedHeader } = await jwtVerify(set, keys, { algorithms: ['RS256'], typ: 'secevent+jwt' });
  return protectedHeader.kid;
}

describe('npm run ssf:rotate-key', () => {
  it('publishes the next key first, signs with it after the delay, and a receiver verifies across', async () => {
    const before = await service.call('GET', '/ssf/jwks.json', { token: null });
    expect(before.headers.get('cache-control')).toBe('no-store');
    const oldKid = before.body.keys[0].kid as string;
    const heldBefore = createLocalJWKSet(before.body);

    const rotated = await rotateKey();
    expect(rotated.code, rotated.stderr).toBe(0);
    const rotatedAt = Date.now();
    expect(rotated.stdout).toContain(`signs until then`);
    expect(rotated.stdout).toContain(oldKid);
    const kids = await publishedKids();
    expect(kids).toHaveLength(2);
    expect(kids[0]).toBe(oldKid);
    const newKid = kids[1] as string;
    expect(rotated.stdout).toContain(newKid);

    // A receiver that fetches the JWKS now (and keeps it) holds both keys before the new one signs.
    const during = await service.call('GET', '/ssf/jwks.json', { token: null });
    const heldDuring = createLocalJWKSet(during.body);
    const remote = createRemoteJWKSet(new URL(`${service.url}/ssf/jwks.json`));
    const oldSet = await freshSet('during the wait');
    expect(Date.now() - rotatedAt).toBeLessThan(activationMs);
    expect(kidOf(oldSet)).toBe(oldKid);
    expect(await verifies(oldSet, heldBefore)).toBe(oldKid);
    expect(await verifies(oldSet, heldDuring)).toBe(oldKid);
    expect(await verifies(oldSet, remote)).toBe(oldKid);

    // A second rotation while one waits is refused.
    const again = await rotateKey();
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already waits to sign/);

    await new Promise((resolve) => setTimeout(resolve, rotatedAt + activationMs + 500 - Date.now()));
    const newSet = await freshSet('after the switch');
    expect(kidOf(newSet)).toBe(newKid);
    expect(await verifies(newSet, heldDuring)).toBe(newKid);
    // The remote set fetched during the wait already has the key: jose keeps it 10 min, no new fetch needed.
    expect(await verifies(newSet, remote)).toBe(newKid);
    // The old key is still published: its SETs are still in the queues for 7 days.
    expect(await publishedKids()).toEqual([oldKid, newKid]);
    expect(await verifies(oldSet, createLocalJWKSet((await service.call('GET', '/ssf/jwks.json')).body))).toBe(oldKid);
    // A receiver holding only the pre-rotation JWKS cannot verify the new key (why the key is published first).
    await expect(verifies(newSet, heldBefore)).rejects.toThrow();

    // The command printed kids and times only: no private part of either key.
    const { signingKeyStore } = await import('../../../lib/store/ssf-keys.ts');
    const output = rotated.stdout + rotated.stderr + again.stdout + again.stderr;
    for (const key of await signingKeyStore.all()) {
      const body = (key.pkcs8 ?? '').replace(/-----[^-]+-----|\s/g, '');
      expect(body.length).toBeGreaterThan(1000);
      expect(output).not.toContain(body.slice(100, 160));
    }
    expect(output).not.toContain('PRIVATE KEY');
  });
});
