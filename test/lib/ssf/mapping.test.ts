// The mapping table row by row (issue 23 item 5): each hub event becomes its CAEP / RISC event,
// signed as a SET that a receiver verifies with jose against the JWKS, every claim checked.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../../lib/events/event.ts';
import { newSigningKey, publicJwk, type SetSigner, signerOf } from '../../../lib/ssf/keys.ts';
import { mappingTable, signalOf } from '../../../lib/ssf/mapping.ts';
import { setClaims, verificationContent } from '../../../lib/ssf/set.ts';

const issuer = 'https://hub.example.com';
const stream = { stream_id: 'f'.repeat(32), iss: issuer, aud: `${issuer}/ssf/receivers/root` };
const caep = 'https://schemas.openid.net/secevent/caep/event-type/';
const risc = 'https://schemas.openid.net/secevent/risc/event-type/';

let signer: SetSigner;
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  const key = await newSigningKey(new Date());
  signer = await signerOf(key);
  jwks = createLocalJWKSet({ keys: [publicJwk(key)] });
});

const created = '2026-12-07T10:00:05.250000Z';
const event = (action: string, fields: Partial<Event> = {}): Event =>
  ({
    pk: crypto.randomUUID(),
    action,
    app: 'authentik.events.signals',
    user: { pk: 7, username: 'ana', email: 'ana@example.com' },
    context: {},
    client_ip: '192.0.2.7',
    created,
    expires: '2027-12-07T10:00:05.250000Z',
    brand: {},
    ...fields,
  }) as Event;

const admin = { pk: 1, username: 'akadmin', email: 'admin@example.com' };
const userChange = (isActive?: boolean) => ({
  model: { app: 'authentik_core', model_name: 'user', pk: 42, name: 'bob' },
  ...(isActive !== undefined && { diff: { is_active: { previous_value: !isActive, new_value: isActive } } }),
});

/** What a receiver does: verify against the JWKS, then read the header and claims. */
async function receive(set: string) {
  const { payload, protectedHeader } = await jwtVerify(set, jwks, {
    issuer,
    audience: stream.aud,
    typ: 'secevent+jwt',
    algorithms: ['RS256'],
  });
  return { payload, protectedHeader };
}

const rows: [string, Event, string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'logout → session-revoked',
    event('logout'),
    `${caep}session-revoked`,
    { format: 'email', email: 'ana@example.com' },
    { initiating_entity: 'user', reason_admin: { en: 'The user logged out' } },
  ],
  [
    'password_set → credential-change',
    event('password_set', { user: { pk: 'u-7', username: 'ana' } }),
    `${caep}credential-change`,
    { format: 'iss_sub', iss: issuer, sub: 'u-7' },
    {
      credential_type: 'password',
      change_type: 'update',
      initiating_entity: 'user',
      reason_admin: { en: 'The password was set' },
    },
  ],
  [
    'a user deactivated → account-disabled',
    event('model_updated', { user: admin, context: userChange(false) }),
    `${risc}account-disabled`,
    { format: 'iss_sub', iss: issuer, sub: '42' },
    { reason_admin: { en: 'An administrator deactivated the account' } },
  ],
  [
    'a user activated → account-enabled',
    event('model_updated', { user: admin, context: userChange(true) }),
    `${risc}account-enabled`,
    { format: 'iss_sub', iss: issuer, sub: '42' },
    { reason_admin: { en: 'An administrator activated the account' } },
  ],
  [
    'a user deleted → account-purged',
    event('model_deleted', { user: admin, context: userChange() }),
    `${risc}account-purged`,
    { format: 'iss_sub', iss: issuer, sub: '42' },
    { reason_admin: { en: 'An administrator deleted the account' } },
  ],
  [
    'login → session-established',
    event('login'),
    `${caep}session-established`,
    { format: 'email', email: 'ana@example.com' },
    { ips: ['192.0.2.7'] },
  ],
  [
    'a detection rule fired → risk-level-change',
    event('custom_threshold_exceeded', {
      app: 'idp-event-hub.rules',
      context: { rule: { pk: 'r', name: 'password spraying', severity: 'alert' }, count: 20 },
    }),
    `${caep}risk-level-change`,
    { format: 'email', email: 'ana@example.com' },
    {
      principal: 'USER',
      current_level: 'HIGH',
      risk_reason: 'password spraying',
      reason_admin: { en: 'Detection rule password spraying reached its threshold' },
    },
  ],
];

describe('the mapping table', () => {
  it('has exactly the rows tested here', () => {
    expect(mappingTable.map((row) => row.type)).toEqual(rows.map(([, , type]) => type));
  });

  it.each(rows)(
    '%s: a SET the receiver verifies, every claim as mapped',
    async (_name, hubEvent, type, subject, claims) => {
      const content = signalOf(hubEvent, issuer);
      expect(content).not.toBeNull();
      const now = new Date('2026-12-07T10:00:06Z');
      const jti = crypto.randomUUID();
      const set = await signer.sign({ ...setClaims(stream, content as NonNullable<typeof content>, jti, now) });
      expect(set.split('.')).toHaveLength(3);
      expect(decodeProtectedHeader(set)).toEqual({ alg: 'RS256', kid: signer.kid, typ: 'secevent+jwt' });
      const { payload } = await receive(set);
      expect(payload).toEqual({
        iss: issuer,
        jti,
        iat: Math.floor(now.getTime() / 1000),
        aud: stream.aud,
        txn: hubEvent.pk,
        sub_id: subject,
        events: { [type]: { event_timestamp: Math.floor(Date.parse(created) / 1000), ...claims } },
      });
      expect(payload).not.toHaveProperty('sub');
      expect(payload).not.toHaveProperty('exp');
    },
  );

  it('maps the risk level from each severity', () => {
    for (const [severity, level] of [
      ['notice', 'LOW'],
      ['warning', 'MEDIUM'],
      ['alert', 'HIGH'],
    ]) {
      const fired = event('custom_threshold_exceeded', { context: { rule: { name: 'r', severity } } });
      expect(signalOf(fired, issuer)?.payload.current_level).toBe(level);
    }
  });

  it('sends nothing for an event no row takes, or one without an account to name', () => {
    for (const unmapped of [
      event('login_failed'),
      event('model_updated', { context: { model: { app: 'authentik_core', model_name: 'group', pk: 3 } } }),
      event('model_updated', { user: admin, context: userChange() }),
      event('model_updated', { user: admin, context: { ...userChange(), diff: { name: { new_value: 'x' } } } }),
      event('model_deleted', { context: { model: { app: 'authentik_flows', model_name: 'flow', pk: 3 } } }),
      event('logout', { user: {} }),
      event('logout', { user: { username: 'nameless' } }),
      event('password_set', { user: { pk: '' } }),
    ]) {
      expect(signalOf(unmapped, issuer), JSON.stringify(unmapped.context)).toBeNull();
    }
  });
});

describe('the verification SET', () => {
  it('names the stream as an opaque subject and echoes the state', async () => {
    const jti = crypto.randomUUID();
    const set = await signer.sign({ ...setClaims(stream, verificationContent(stream, 'abc'), jti, new Date()) });
    const { payload } = await receive(set);
    expect(payload.sub_id).toEqual({ format: 'opaque', id: stream.stream_id });
    expect(payload.events).toEqual({
      'https://schemas.openid.net/secevent/ssf/event-type/verification': { state: 'abc' },
    });
    expect(payload).not.toHaveProperty('txn');
  });
});
