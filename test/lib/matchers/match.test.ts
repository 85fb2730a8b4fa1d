import { describe, expect, it } from 'vitest';
import type { Event } from '../../../lib/events/event.ts';
import { eventModel, matchEvent } from '../../../lib/matchers/match.ts';
import type { MatcherCriteria } from '../../../lib/matchers/policy.ts';

const event: Event = {
  pk: '01a20ef6-3c5c-71d0-b8c4-26a9f1ddfcfa',
  user: { username: 'alice' },
  action: 'login_failed',
  app: 'authentik.core',
  context: { model: { app: 'authentik_core', model_name: 'user', pk: 7, name: 'alice' } },
  client_ip: '192.168.1.20',
  created: '2026-11-24T00:00:00.000Z',
  expires: '2027-11-24T00:00:00.000Z',
  brand: {},
};

const none: MatcherCriteria = { action: null, client_ip: null, app: null, model: null, query: null };
const criteria = (set: Partial<MatcherCriteria>): MatcherCriteria => ({ ...none, ...set });
const withEvent = (changes: Partial<Event>): Event => ({ ...event, ...changes });

describe('matchEvent: each criterion alone', () => {
  it.each<[string, Partial<MatcherCriteria>, Event, boolean, string[]]>([
    ['action equal', { action: 'login_failed' }, event, true, ['Action matched.']],
    ['action other', { action: 'login' }, event, false, []],
    ['action is not a substring match', { action: 'login' }, withEvent({ action: 'login_failed' }), false, []],
    [
      'custom_ matches any custom action',
      { action: 'custom_' },
      withEvent({ action: 'custom_sync' }),
      true,
      ['Action matched.'],
    ],
    [
      'custom_ matches the literal custom_',
      { action: 'custom_' },
      withEvent({ action: 'custom_' }),
      true,
      ['Action matched.'],
    ],
    ['custom_ does not match built-ins', { action: 'custom_' }, event, false, []],
    ['custom_x matches only itself', { action: 'custom_x' }, withEvent({ action: 'custom_xy' }), false, []],
    ['custom_x equal', { action: 'custom_x' }, withEvent({ action: 'custom_x' }), true, ['Action matched.']],
    ['IPv4 equal', { client_ip: '192.168.1.20' }, event, true, ['Client IP matched.']],
    ['IPv4 other', { client_ip: '192.168.1.21' }, event, false, []],
    ['IPv4 inside CIDR', { client_ip: '192.168.0.0/16' }, event, true, ['Client IP matched.']],
    ['IPv4 outside CIDR', { client_ip: '10.0.0.0/8' }, event, false, []],
    ['IPv4 /32', { client_ip: '192.168.1.20/32' }, event, true, ['Client IP matched.']],
    ['IPv4 /0 holds any IPv4', { client_ip: '0.0.0.0/0' }, event, true, ['Client IP matched.']],
    ['IPv4 CIDR vs IPv6 event', { client_ip: '0.0.0.0/0' }, withEvent({ client_ip: '2001:db8::1' }), false, []],
    ['IPv6 equal', { client_ip: '2001:db8::1' }, withEvent({ client_ip: '2001:db8::1' }), true, ['Client IP matched.']],
    [
      'IPv6 equal, other spelling',
      { client_ip: '2001:0db8:0:0::1' },
      withEvent({ client_ip: '2001:db8::1' }),
      true,
      ['Client IP matched.'],
    ],
    [
      'IPv6 inside CIDR',
      { client_ip: '2001:db8::/32' },
      withEvent({ client_ip: '2001:db8:ffff::9' }),
      true,
      ['Client IP matched.'],
    ],
    ['IPv6 outside CIDR', { client_ip: '2001:db8::/32' }, withEvent({ client_ip: '2001:db9::1' }), false, []],
    ['IPv6 CIDR vs IPv4 event', { client_ip: '2001:db8::/32' }, event, false, []],
    ['event without IP', { client_ip: '0.0.0.0/0' }, withEvent({ client_ip: null }), false, []],
    ['app equal', { app: 'authentik.core' }, event, true, ['App matched.']],
    ['app other', { app: 'authentik.flows' }, event, false, []],
    ['app is exact, not a prefix', { app: 'authentik' }, event, false, []],
    ['model equal', { model: 'authentik_core.user' }, event, true, ['Model matched.']],
    ['model other', { model: 'authentik_core.group' }, event, false, []],
    ['event without context.model', { model: 'authentik_core.user' }, withEvent({ context: {} }), false, []],
    [
      'context.model not an object',
      { model: 'authentik_core.user' },
      withEvent({ context: { model: 'authentik_core.user' } }),
      false,
      [],
    ],
    [
      'context.model without model_name',
      { model: 'authentik_core.user' },
      withEvent({ context: { model: { app: 'authentik_core' } } }),
      false,
      [],
    ],
  ])('%s', (_name, set, input, passing, messages) => {
    expect(matchEvent(criteria(set), input)).toEqual({ passing, messages });
  });
});

describe('matchEvent: combined criteria (AND)', () => {
  const all = criteria({
    action: 'login_failed',
    client_ip: '192.168.0.0/16',
    app: 'authentik.core',
    model: 'authentik_core.user',
  });

  it('passes when every set criterion holds, with the messages in order', () => {
    expect(matchEvent(all, event)).toEqual({
      passing: true,
      messages: ['Action matched.', 'Client IP matched.', 'App matched.', 'Model matched.'],
    });
  });

  it.each<[string, Partial<Event>, string[]]>([
    ['action fails', { action: 'login' }, ['Client IP matched.', 'App matched.', 'Model matched.']],
    ['client_ip fails', { client_ip: '10.1.1.1' }, ['Action matched.', 'App matched.', 'Model matched.']],
    ['client_ip missing', { client_ip: null }, ['Action matched.', 'App matched.', 'Model matched.']],
    ['app fails', { app: 'authentik.flows' }, ['Action matched.', 'Client IP matched.', 'Model matched.']],
    ['model missing', { context: {} }, ['Action matched.', 'Client IP matched.', 'App matched.']],
  ])('fails when one fails (%s), naming only those that held', (_name, changes, messages) => {
    expect(matchEvent(all, withEvent(changes))).toEqual({ passing: false, messages });
  });

  it('skips criteria that are not set', () => {
    expect(
      matchEvent(
        criteria({ action: 'login_failed', model: 'authentik_core.user' }),
        withEvent({ client_ip: null, app: 'x' }),
      ),
    ).toEqual({
      passing: true,
      messages: ['Action matched.', 'Model matched.'],
    });
  });

  it('fails with no messages when nothing holds', () => {
    expect(matchEvent(all, withEvent({ action: 'logout', client_ip: '2001:db8::1', app: 'x', context: {} }))).toEqual({
      passing: false,
      messages: [],
    });
  });

  it('passes with no criteria (validation refuses such policies)', () => {
    expect(matchEvent(none, event)).toEqual({ passing: true, messages: [] });
  });
});

describe('eventModel', () => {
  it('joins app and model_name', () => expect(eventModel(event)).toBe('authentik_core.user'));
  it('is undefined without context.model', () => expect(eventModel({ context: {} })).toBeUndefined());
});

describe('matchEvent: query (authentik 2026.8)', () => {
  it.each<[string, string, boolean]>([
    ['a comparison that holds', 'user.username = "alice"', true],
    ['a comparison that does not', 'user.username = "bob"', false],
    ['a JSON path', 'context.model.pk = 7 and context.model.name ~ "ALI"', true],
    ['cidr() over IPv4', 'client_ip in cidr("192.168.0.0/16", "2001:db8::/32")', true],
    ['not in cidr()', 'client_ip not in cidr("192.168.0.0/16")', false],
    ['right-grouped and/or', 'action = "logout" and app = "x" or action = "login_failed"', false],
    ['parentheses', '(action = "logout" and app = "x") or action = "login_failed"', true],
  ])('%s', (_name, query, passing) => {
    expect(matchEvent(criteria({ query }), event)).toEqual({ passing, messages: passing ? ['Query matched.'] : [] });
  });

  it('is AND-ed with the other criteria, its message last', () => {
    expect(matchEvent(criteria({ action: 'login_failed', query: 'app = "authentik.core"' }), event)).toEqual({
      passing: true,
      messages: ['Action matched.', 'Query matched.'],
    });
    expect(matchEvent(criteria({ action: 'login', query: 'app = "authentik.core"' }), event)).toEqual({
      passing: false,
      messages: ['Query matched.'],
    });
  });

  it('never holds for a text that does not parse, and ignores a policy stored without query', () => {
    expect(matchEvent(criteria({ query: 'action = ' }), event).passing).toBe(false);
    const { query: _query, ...old } = criteria({ action: 'login_failed' });
    expect(matchEvent(old as MatcherCriteria, event)).toEqual({ passing: true, messages: ['Action matched.'] });
  });
});
