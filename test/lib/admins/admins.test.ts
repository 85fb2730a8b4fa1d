import { describe, expect, it } from 'vitest';
import { credentialFrom, hashToken, newToken, parseActions } from '../../../lib/admins/admins.ts';
import { policyActions } from '../../../lib/admins/policy-actions.ts';

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('credentialFrom', () => {
  it('reads the four accepted forms', () => {
    expect(credentialFrom({ authorization: 'Bearer ieh_abc' })).toEqual({ token: 'ieh_abc' });
    expect(credentialFrom({ authorization: 'ieh_abc' })).toEqual({ token: 'ieh_abc' });
    expect(credentialFrom({ 'pi-authorization': 'ieh_abc' })).toEqual({ token: 'ieh_abc' });
    expect(credentialFrom({ authorization: basic('root:ieh_abc') })).toEqual({ name: 'root', token: 'ieh_abc' });
  });

  it('takes the scheme case-insensitively and tolerates extra blanks', () => {
    expect(credentialFrom({ authorization: 'bearer ieh_abc' })).toEqual({ token: 'ieh_abc' });
    expect(credentialFrom({ authorization: 'BEARER   ieh_abc  ' })).toEqual({ token: 'ieh_abc' });
    expect(credentialFrom({ authorization: basic('root:ieh_abc').replace('Basic', 'basic') })).toEqual({
      name: 'root',
      token: 'ieh_abc',
    });
    expect(credentialFrom({ 'pi-authorization': '  ieh_abc ' })).toEqual({ token: 'ieh_abc' });
  });

  it('splits Basic at the first colon: the token may hold colons', () => {
    expect(credentialFrom({ authorization: basic('ops:a:b:c') })).toEqual({ name: 'ops', token: 'a:b:c' });
  });

  it('prefers Authorization over PI-Authorization', () => {
    expect(credentialFrom({ authorization: 'Bearer one', 'pi-authorization': 'two' })).toEqual({ token: 'one' });
  });

  it.each([
    ['no header', {}],
    ['an empty Authorization', { authorization: '' }],
    ['a blank Authorization', { authorization: '   ' }],
    ['Bearer with nothing after', { authorization: 'Bearer' }],
    ['Bearer with blanks after', { authorization: 'Bearer    ' }],
    ['Basic with nothing after', { authorization: 'Basic' }],
    ['Basic without a colon', { authorization: basic('rootieh_abc') }],
    ['Basic with an empty name', { authorization: basic(':ieh_abc') }],
    ['an unknown scheme', { authorization: 'Token ieh_abc' }],
    ['a bare value with blanks inside', { authorization: 'ieh_abc extra' }],
    ['an empty PI-Authorization', { 'pi-authorization': '' }],
    ['a blank PI-Authorization', { 'pi-authorization': '  ' }],
  ])('is null for %s', (_name, headers: Record<string, string>) => {
    expect(credentialFrom(headers)).toBeNull();
  });
});

describe('newToken', () => {
  it('carries at least 256 random bits: 43+ base64url characters after ieh_', () => {
    const token = newToken();
    expect(token).toMatch(/^ieh_[A-Za-z0-9_-]{43,}$/);
    const bytes = Buffer.from(token.slice('ieh_'.length), 'base64url');
    expect(bytes.length * 8).toBeGreaterThanOrEqual(256);
  });

  it('is different every time', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => newToken()));
    expect(tokens.size).toBe(500);
  });
});

describe('hashToken', () => {
  it('is deterministic, hex SHA-256 and never the token itself', () => {
    const token = newToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('differs for different tokens', () => {
    expect(hashToken('ieh_a')).not.toBe(hashToken('ieh_b'));
  });
});

describe('parseActions', () => {
  it('accepts known actions, trims, drops empties and duplicates', () => {
    expect(parseActions(' auditlog_read, policy_read,,auditlog_read ')).toEqual(['auditlog_read', 'policy_read']);
    expect(parseActions(policyActions.join(','))).toEqual([...policyActions]);
  });

  it('refuses an unknown action, naming it', () => {
    expect(() => parseActions('auditlog_read,root')).toThrow(/unknown policy action\(s\): root/);
  });
});
