import { describe, expect, it } from 'vitest';
import {
  compare,
  conditionHolds,
  conditionProblem,
  conditionsHold,
  parseComparison,
} from '../../../lib/bindings/conditions.ts';
import type { Event } from '../../../lib/events/event.ts';

const event: Event = {
  pk: '01a20ef6-3c5c-71d0-b8c4-26a9f1ddfcfa',
  user: { username: 'alice', pk: 7 },
  action: 'login_failed',
  app: 'authentik.core',
  context: {
    model: { app: 'authentik_core', model_name: 'user' },
    attempts: 3,
    tags: ['a', 'b'],
    geo: { country: 'NL' },
  },
  client_ip: '192.168.1.20',
  created: '2026-11-24T00:00:00.000Z',
  expires: '2027-11-24T00:00:00.000Z',
  brand: { name: 'acme' },
};

const lookups = {
  policyPasses: async (uuid: string) => uuid.startsWith('a'),
  counterValue: async (name: string) => (name === 'seen' ? 4 : 0),
};

describe('conditionHolds', () => {
  it.each([
    ['client_ip', '192.168.0.0/16', true],
    ['client_ip', '10.0.0.0/8', false],
    ['client_ip', '!10.0.0.0/8', true],
    ['client_ip', '192.168.0.0/16,!192.168.1.0/24', false],
    ['client_ip', '2001:db8::/32', false],
    ['app', 'x, authentik.core', true],
    ['app', 'authentik', false],
    ['model', 'authentik_core.user', true],
    ['model', 'authentik_core.group', false],
    ['username', 'ali.*', true],
    ['username', 'lic', false],
    ['brand', 'acme,other', true],
    ['brand', 'other', false],
    ['context', 'attempts >= 3', true],
    ['context', 'attempts > 3', false],
    ['context', 'geo.country == NL', true],
    ['context', 'geo.country != NL', false],
    ['context', 'geo.country in DE,NL', true],
    ['context', 'geo.country matches N.', true],
    ['context', 'tags contains b', true],
    ['context', 'missing == 1', false],
    ['matcher_policy', 'aaaaaaaa-0000-4000-8000-000000000000', true],
    ['matcher_policy', 'aaaaaaaa-0000-4000-8000-000000000000,bbbbbbbb-0000-4000-8000-000000000000', false],
    ['counter', 'seen == 4', true],
    ['counter', 'other > 0', false],
    ['counter', 'other == 0', true],
    ['query', 'user.username = "alice" and context.attempts >= 3', true],
    ['query', 'client_ip in cidr("192.168.0.0/16", "2001:db8::/32") and context.geo.country = "NL"', true],
    ['query', 'client_ip not in cidr("192.168.0.0/16")', false],
    // One precedence, grouped to the right: a and (b or c), not (a and b) or c.
    ['query', 'action = "login" and brand.name = "other" or app ~ "CORE"', false],
    ['query', '(action = "login" and brand.name = "other") or app ~ "CORE"', true],
  ])('%s %s → %s', async (name, value, expected) => {
    expect(await conditionHolds(name, value, event, lookups)).toBe(expected);
  });

  it('fails client_ip for an event without an IP, and username without one', async () => {
    expect(await conditionHolds('client_ip', '!10.0.0.0/8', { ...event, client_ip: null }, lookups)).toBe(false);
    expect(await conditionHolds('username', '.*', { ...event, user: {} }, lookups)).toBe(false);
    expect(await conditionHolds('model', 'a.b', { ...event, context: {} }, lookups)).toBe(false);
  });

  it('needs every condition (AND)', async () => {
    expect(await conditionsHold({ app: 'authentik.core', brand: 'acme' }, event, lookups)).toBe(true);
    expect(await conditionsHold({ app: 'authentik.core', brand: 'other' }, event, lookups)).toBe(false);
    expect(await conditionsHold({}, event, lookups)).toBe(true);
  });
});

describe('conditionProblem', () => {
  it.each([
    ['client_ip', '10.0.0.0/8, !10.1.0.0/16, ::1', null],
    ['client_ip', '10.0.0.0/33', /not an IP/],
    ['client_ip', '', /at least one/],
    ['model', 'a.b,c.d', null],
    ['model', 'a.b.c', /not of the form/],
    ['username', '[', /regular expression/],
    ['username', '(a)\\1', /is not a valid regular expression: invalid escape sequence: `\\1` \(RE2 syntax/],
    ['username', '(?=a)a', /is not a valid regular expression: .*unsupported Perl syntax/],
    ['username', '(?<!a)b', /is not a valid regular expression/],
    ['username', '(?i)adm(in)?-.*', null],
    ['context', 'name matches (a)\\1', /does not compile: invalid escape sequence/],
    ['context', 'name matches (?<=x)y', /does not compile/],
    ['context', 'name == (a)\\1', null],
    ['context', 'a.b <= 4', null],
    ['context', 'a.b matches (', /does not compile/],
    ['context', 'nothing', /must be/],
    ['matcher_policy', 'not-a-uuid', /not a UUID/],
    ['counter', 'c >= -2', null],
    ['counter', 'c contains 2', /must be/],
    ['query', 'action = "login" or context.geo.country in ("NL", "BE")', null],
    ['query', 'action = "login" and', /^is not a valid query: Syntax error at position 21: /],
    ['query', 'colour = "red"', /^is not a valid query: Invalid query at position 1: Unknown field: colour/],
    ['query', 'client_ip in cidr("10.0.0.0/33")', /^is not a valid query: Invalid query at position 19: /],
    ['query', '', /^is not a valid query: /],
    ['query', `app = "${'x'.repeat(5000)}"`, /^is not a valid query: Query refused at position 4097: /],
    ['weather', 'rain', /unknown condition/],
  ])('%s %j', async (name, value, expected) => {
    const problem = await conditionProblem(name, value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('patterns (RE2)', () => {
  const hostile = `${'a'.repeat(40)}!`;

  it('run catastrophic patterns on hostile usernames and context values to an answer', async () => {
    const attacked = { ...event, user: { username: hostile }, context: { note: hostile } };
    expect(await conditionHolds('username', '(a+)+$', attacked, lookups)).toBe(false);
    expect(await conditionHolds('username', '(a|aa)+', attacked, lookups)).toBe(false);
    expect(await conditionHolds('context', 'note matches (a+)+$', attacked, lookups)).toBe(false);
    expect(await conditionHolds('username', '(a+)+!', attacked, lookups)).toBe(true);
  });

  it('match the whole value, case-sensitively unless (?i) says otherwise', async () => {
    expect(await conditionHolds('username', 'ALICE', event, lookups)).toBe(false);
    expect(await conditionHolds('username', '(?i)ALICE', event, lookups)).toBe(true);
    expect(await conditionHolds('context', 'geo.country matches (?i)nl', event, lookups)).toBe(true);
    expect(await conditionHolds('context', 'geo.country matches N', event, lookups)).toBe(false);
  });

  it('never hold for a stored pattern RE2 refuses (saved before RE2 was enforced)', async () => {
    expect(await conditionHolds('username', '(?=a)alice', event, lookups)).toBe(false);
    expect(await conditionHolds('context', 'geo.country matches (N)\\1', event, lookups)).toBe(false);
  });
});

describe('compare', () => {
  it('compares numbers as numbers and text as text', async () => {
    expect(await compare('10', '>', '9')).toBe(true);
    expect(await compare('abc', '>', '9')).toBe(false);
    expect(await compare(3, '==', '3.0')).toBe(true);
    expect(await compare('x', '==', 'x')).toBe(true);
    expect(parseComparison('a.b  ==  some value ')).toEqual({ left: 'a.b', comparator: '==', right: 'some value' });
  });
});
