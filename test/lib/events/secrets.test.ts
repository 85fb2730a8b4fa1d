import { describe, expect, it } from 'vitest';
import { maskedValue, maskSecrets } from '../../../lib/events/secrets.ts';

const mask = '********************';

describe('maskSecrets', () => {
  it('masks with twenty asterisks', () => {
    expect(maskedValue).toBe(mask);
  });

  it.each([
    ['api', true],
    ['api_url', true],
    ['X-Api-Key', true],
    ['token', true],
    ['refresh_token', true],
    ['AccessToken', true],
    ['key', true],
    ['private_key', true],
    ['secret', true],
    ['CLIENT_SECRET', true],
    ['pass', true],
    ['password', true],
    ['Password', true],
    ['passphrase', true],
    ['bypass', true],
    ['passing_pass', true],
    ['signature', true],
    ['http_cookie', true],
    ['HTTP_COOKIE', true],
    // HTTP credential headers, in any case and spelling.
    ['authorization', true],
    ['Authorization', true],
    ['AUTHORIZATION', true],
    ['HTTP_AUTHORIZATION', true],
    ['Proxy-Authorization', true],
    ['proxy_authorization', true],
    ['PI-Authorization', true],
    ['authorisation', true],
    ['cookie', true],
    ['Cookie', true],
    ['cookies', true],
    ['Set-Cookie', true],
    ['set_cookie', true],
    ['X-Api-Key', true],
    ['X-Amz-Security-Token', true],
    ['passing', false],
    ['Passing', false],
    ['passing_score', false],
    ['username', false],
    ['email', false],
    ['authorized_application', false],
    ['author', false],
    ['user-agent', false],
    ['sign', false],
    ['message', false],
  ])('key %s is masked: %s', (key, masked) => {
    expect(maskSecrets({ [key]: 'value' })).toEqual({ [key]: masked ? mask : 'value' });
  });

  it('masks at any depth and inside arrays, and masks a whole object under a secret key', () => {
    const input = {
      user: { name: 'alice', password: 'hunter2' },
      list: [{ token: 't', safe: 1 }, 'plain', [{ secret: 's' }], 3, null],
      client_secret: { nested: 'x', deeper: [1, 2] },
      passing: { api_key: 'k', fine: true },
      http_request: { headers: { HTTP_COOKIE: 'c', accept: '*/*' } },
    };
    expect(maskSecrets(input)).toEqual({
      user: { name: 'alice', password: mask },
      list: [{ token: mask, safe: 1 }, 'plain', [{ secret: mask }], 3, null],
      client_secret: mask,
      passing: { api_key: mask, fine: true },
      http_request: { headers: { HTTP_COOKIE: mask, accept: '*/*' } },
    });
  });

  it('masks credential headers wherever they sit: top level, nested headers, arrays of header objects', () => {
    const input = {
      Authorization: 'Bearer a',
      headers: { authorization: 'Bearer b', cookie: 'session=c', 'set-cookie': ['d=1', 'e=2'], accept: '*/*' },
      upstream: [{ request: { headers: { 'Proxy-Authorization': 'Basic f', Host: 'h' } } }],
    };
    expect(maskSecrets(input)).toEqual({
      Authorization: mask,
      headers: { authorization: mask, cookie: mask, 'set-cookie': mask, accept: '*/*' },
      upstream: [{ request: { headers: { 'Proxy-Authorization': mask, Host: 'h' } } }],
    });
  });

  it('masks objects inside a top-level array', () => {
    expect(maskSecrets([{ password: 'p' }, { name: 'n' }])).toEqual([{ password: mask }, { name: 'n' }]);
  });

  it('leaves values that are not objects as they are, and secret-looking values under plain keys', () => {
    expect(maskSecrets('password')).toBe('password');
    expect(maskSecrets(42)).toBe(42);
    expect(maskSecrets(null)).toBeNull();
    expect(maskSecrets({ note: 'my password is hunter2' })).toEqual({ note: 'my password is hunter2' });
  });

  it('masks falsy secret values too', () => {
    expect(maskSecrets({ token: '', password: null, secret: 0, key: false })).toEqual({
      token: mask,
      password: mask,
      secret: mask,
      key: mask,
    });
  });

  it('keeps a key named __proto__ as data, masked inside, without touching any prototype', () => {
    const input = JSON.parse('{"nested": {"__proto__": {"password": "p", "ok": 1}}}');
    const masked = maskSecrets(input) as { nested: Record<string, unknown> };
    expect(Object.keys(masked.nested)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(masked.nested, '__proto__')?.value).toEqual({ password: mask, ok: 1 });
    expect(Object.getPrototypeOf(masked.nested)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).ok).toBeUndefined();
  });

  it('does not change its input', () => {
    const input = { password: 'p', nested: { token: 't' } };
    maskSecrets(input);
    expect(input).toEqual({ password: 'p', nested: { token: 't' } });
  });
});
