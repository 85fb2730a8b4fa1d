import { describe, expect, it } from 'vitest';
import { evaluate, parseQuery, type QueryEvent } from '../../../lib/query/akql.ts';
import { numberText, timestampText } from '../../../lib/query/evaluate.ts';

const event: QueryEvent = {
  pk: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  user: { pk: 5, username: 'Alice', email: 'alice@example.org' },
  action: 'login_failed',
  app: 'authentik.core',
  // JSON.parse keeps `__proto__` as a key of its own, as ingest does.
  context: JSON.parse(
    '{"geo": {"country": "DE", "city": "Berlin"}, "n": 5, "ratio": 0.25, "ok": true, "nothing": null, "list": [1, 2], "message": "Straße \\"quoted\\"", "ip": "192.0.2.7", "__proto__": "data"}',
  ),
  client_ip: '10.1.2.3',
  created: '2026-11-30T05:09:00.120Z',
  brand: { name: 'default' },
};

const matches = (text: string, on: QueryEvent = event) => {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return evaluate(parsed.query, on);
};

const cases = (rows: [string, boolean][]) =>
  it.each(rows)('%s → %s', (text, expected) => {
    expect(matches(text)).toBe(expected);
  });

describe('text fields', () => {
  cases([
    ['action = "login_failed"', true],
    ['action = "login"', false],
    ['action = "Login Failed"', true],
    ['action != "login"', true],
    ['action != "Login Failed"', false],
    ['action ~ "FAIL"', true],
    ['action !~ "fail"', false],
    ['action startswith "LOGIN"', true],
    ['action not startswith "login"', false],
    ['action endswith "_FAILED"', true],
    ['action not endswith "x"', true],
    ['action in ("login", "login_failed")', true],
    ['action in ("Login Failed")', true],
    ['action not in ("login", "logout")', true],
    ['action > "login"', true],
    ['action >= "login_failed"', true],
    ['action < "login_failed"', false],
    ['action <= "login_failed"', true],
    ['app = "authentik.core"', true],
    ['app = "Authentik.core"', false],
    ['app ~ "CORE"', true],
  ]);
});

describe('event_uuid', () => {
  cases([
    ['event_uuid = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"', true],
    ['event_uuid = "0193A1B2C3D47E5F8A9B0C1D2E3F4A5B"', true],
    ['event_uuid = "{0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}"', true],
    ['event_uuid = "00000000-0000-0000-0000-000000000000"', false],
    ['event_uuid in ("00000000-0000-0000-0000-000000000000", "urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")', true],
    ['event_uuid > "00000000-0000-0000-0000-000000000000"', true],
    ['event_uuid ~ "7E5F-8A9B"', true],
    ['event_uuid startswith "0193"', true],
  ]);
});

describe('client_ip', () => {
  const v6: QueryEvent = { ...event, client_ip: '2001:DB8:0:0::1' };
  const none: QueryEvent = { ...event, client_ip: null };

  cases([
    ['client_ip = "10.1.2.3"', true],
    ['client_ip = "10.1.2.4"', false],
    ['client_ip != "10.1.2.4"', true],
    ['client_ip = None', false],
    ['client_ip != None', true],
    ['client_ip in ("192.0.2.1", "10.1.2.3")', true],
    ['client_ip ~ "10.1."', true],
    ['client_ip in cidr("10.0.0.0/8")', true],
    ['client_ip in cidr("192.0.2.0/24", "2001:db8::/32")', false],
    ['client_ip not in cidr("192.0.2.0/24", "2001:db8::/32")', true],
    ['client_ip in cidr("10.1.2.3")', true],
  ]);

  it('compares IPv6 addresses as addresses, not spellings', () => {
    expect(matches('client_ip = "2001:db8::1"', v6)).toBe(true);
    expect(matches('client_ip in cidr("2001:db8::/32")', v6)).toBe(true);
    expect(matches('client_ip in cidr("10.0.0.0/8")', v6)).toBe(false);
    expect(matches('client_ip = "::ffff:10.1.2.3"')).toBe(false);
  });

  it('an IPv4-mapped address is inside the IPv4 network (Node BlockList)', () => {
    expect(matches('client_ip in cidr("10.0.0.0/8")', { ...event, client_ip: '::ffff:10.1.2.3' })).toBe(true);
  });

  it('an event without an address is None and in no network', () => {
    expect(matches('client_ip = None', none)).toBe(true);
    expect(matches('client_ip in ("10.1.2.3", None)', none)).toBe(true);
    expect(matches('client_ip = "10.1.2.3"', none)).toBe(false);
    expect(matches('client_ip != "10.1.2.3"', none)).toBe(true);
    expect(matches('client_ip ~ "10"', none)).toBe(false);
    expect(matches('client_ip !~ "10"', none)).toBe(true);
    expect(matches('client_ip in cidr("0.0.0.0/0", "::/0")', none)).toBe(false);
    expect(matches('client_ip not in cidr("0.0.0.0/0", "::/0")', none)).toBe(true);
  });
});

describe('created', () => {
  cases([
    ['created > "2026-11-30"', true],
    ['created < "2026-11-30"', false],
    ['created >= "2026-11-30 05:09"', true],
    ['created < "2026-11-30 05:09:01"', true],
    ['created <= "2026-11-30 05:09:00"', false],
    ['created = "2026-11-30T05:09:00.120Z"', true],
    ['created = "2026-11-30T06:09:00.12+01:00"', true],
    ['created != "2026-11-30T05:09:00.120Z"', false],
    ['created in ("2026-01-01", "2026-11-30T05:09:00.120Z")', true],
    ['created > "2026-11-30T05:09:00.119999Z"', true],
    ['created > "2026-11-30T05:09:00.120001Z"', false],
    ['created ~ "2026-11"', true],
    ['created ~ "2026-11-30 05:09:00.12+00"', true],
    ['created ~ "T05"', false],
    ['created startswith "2026-11-30 05"', true],
    ['created endswith "+00"', true],
    ['created > "2026-1-5"', true],
  ]);

  it('writes timestamps as PostgreSQL does', () => {
    expect(timestampText('2026-11-30T05:09:00.000Z')).toBe('2026-11-30 05:09:00+00');
    expect(timestampText('2026-11-30T05:09:00.100Z')).toBe('2026-11-30 05:09:00.1+00');
    expect(timestampText('2026-11-30T05:09:00.123Z')).toBe('2026-11-30 05:09:00.123+00');
  });
});

describe('JSON keys', () => {
  cases([
    ['user.username = "Alice"', true],
    ['user.username = "alice"', false],
    ['user.username ~ "ALI"', true],
    ['user.pk = 5', true],
    ['user.pk = "5"', false],
    ['user.pk > 4.5', true],
    ['user.pk > "4"', false],
    ['user.pk ~ "5"', true],
    ['user.email endswith "@EXAMPLE.org"', true],
    ['brand.name = "default"', true],
    ['context.geo.country = "DE"', true],
    ['context.geo.country in ("NL", "DE")', true],
    ['context.geo.city startswith "ber"', true],
    ['context.ratio = 0.25', true],
    ['context.ratio < 1', true],
    ['context.ok = True', true],
    ['context.ok = False', false],
    ['context.ok != False', true],
    ['context.ok ~ "TRU"', true],
    ['context.message ~ "STRASSE"', true],
    ['context.message ~ "\\"quoted\\""', true],
    ['context.__proto__ = "data"', true],
    ['context.toString = None', true],
    ['context.geo.country.x = None', true],
    ['context.geo = "DE"', false],
    ['context.geo ~ "DE"', false],
    ['context.geo != None', true],
    ['context.list = 1', false],
    ['context.list ~ "1"', false],
    ['context.ip in cidr("192.0.2.0/24")', true],
    ['context.n in cidr("0.0.0.0/0")', false],
  ]);

  it('None is a missing key or JSON null', () => {
    expect(matches('context.nothing = None')).toBe(true);
    expect(matches('context.missing = None')).toBe(true);
    expect(matches('context.missing.deeper = None')).toBe(true);
    expect(matches('context.n = None')).toBe(false);
    expect(matches('context.nothing != None')).toBe(false);
    expect(matches('context.missing in (1, None)')).toBe(true);
    expect(matches('context.missing not in (None)')).toBe(false);
  });

  it('a missing key or another type compares false; each not form is the complement', () => {
    for (const op of ['>', '>=', '<', '<='])
      for (const key of ['missing', 'nothing', 'geo', 'ok', 'message'])
        expect(matches(`context.${key} ${op} 1`)).toBe(false);
    expect(matches('context.missing = "x"')).toBe(false);
    expect(matches('context.missing != "x"')).toBe(true);
    expect(matches('context.missing ~ "x"')).toBe(false);
    expect(matches('context.missing !~ "x"')).toBe(true);
    expect(matches('context.missing not startswith "x"')).toBe(true);
    expect(matches('context.missing not in ("x")')).toBe(true);
  });

  it('reads numbers as PostgreSQL writes them', () => {
    expect(numberText(1e21)).toBe('1000000000000000000000');
    expect(numberText(1.5e-7)).toBe('0.00000015');
    expect(numberText(-2.5e22)).toBe('-25000000000000000000000');
    expect(matches('context.big ~ "00000"', { ...event, context: { big: 1e21 } })).toBe(true);
  });
});

describe('and, or', () => {
  cases([
    ['action = "login_failed" and app = "authentik.core"', true],
    ['action = "login" and app = "authentik.core"', false],
    ['action = "login" or app = "authentik.core"', true],
    // One precedence, to the right: false and (… or true) is false; (false and …) or true is true.
    ['action = "login" and app = "x" or client_ip = "10.1.2.3"', false],
    ['(action = "login" and app = "x") or client_ip = "10.1.2.3"', true],
    ['client_ip = "10.1.2.3" or action = "login" and app = "x"', true],
  ]);
});

describe('compiled once', () => {
  it('the same query object evaluates many events', () => {
    const parsed = parseQuery('user.username = "Alice" and context.n >= 5');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const results = [1, 5, 9].map((n) => evaluate(parsed.query, { ...event, context: { n } }));
    expect(results).toEqual([false, true, true]);
  });

  it('refuses to compile a tree parseQuery would not give', () => {
    expect(() =>
      evaluate({ type: 'comparison', path: ['nope'], operator: '=', operand: { kind: 'literal', value: 1 } }, event),
    ).toThrow(/Unknown field: nope/);
  });
});
