import { describe, expect, it } from 'vitest';
import type { Event } from '../../../lib/events/event.ts';
import { eventInfo, subjectSearchQuery } from '../../../lib/events/onegini-search.ts';

const base: Event = {
  pk: '01890a5d-ac96-774b-bcce-b302099a8057',
  user: {},
  action: 'login_failed',
  app: 'authentik.core',
  context: {},
  client_ip: null,
  created: '2025-03-04T05:06:07.089Z',
  expires: '2026-03-04T05:06:07.089Z',
  brand: {},
};

describe('eventInfo', () => {
  it('maps every field from its first source', () => {
    const info = eventInfo({
      ...base,
      user: { pk: 42, username: 'alice' },
      client_ip: '192.0.2.7',
      context: {
        person_id: 'person-1',
        event_type: 'LOGIN_FAILURE',
        event_name: 'Login failure',
        user_agent: 'curl/8',
        http_request: { user_agent: 'ignored/1' },
        partition_id: 'eu',
        reason: 'wrong password',
      },
      brand: { name: 'acme' },
    });
    expect(info).toEqual({
      event_identifier: base.pk,
      person_id: 'person-1',
      occurred: Date.parse(base.created),
      event_type: 'LOGIN_FAILURE',
      event_name: 'Login failure',
      client_ip: '192.0.2.7',
      user_agent: 'curl/8',
      partition_id: 'eu',
      event_agent_user: 'alice',
      reason: 'wrong password',
    });
    expect(info.occurred).toBe(1741064767089);
  });

  it('falls back: user.pk as text, action, display name, http_request.user_agent, brand.name', () => {
    const info = eventInfo({
      ...base,
      user: { pk: 42, username: 'alice' },
      context: { http_request: { user_agent: 'Mozilla/5.0' } },
      brand: { name: 'acme' },
    });
    expect(info).toEqual({
      event_identifier: base.pk,
      person_id: '42',
      occurred: Date.parse(base.created),
      event_type: 'login_failed',
      event_name: 'Login Failed',
      user_agent: 'Mozilla/5.0',
      partition_id: 'acme',
      event_agent_user: 'alice',
    });
  });

  it('uses "default" for the partition and Custom Prefix for custom actions', () => {
    const info = eventInfo({ ...base, action: 'custom_password_expired' });
    expect(info.partition_id).toBe('default');
    expect(info.event_name).toBe('Custom Prefix');
    expect(info.event_type).toBe('custom_password_expired');
  });

  it('omits the fields without a value', () => {
    const info = eventInfo(base);
    expect(info).toEqual({
      event_identifier: base.pk,
      occurred: Date.parse(base.created),
      event_type: 'login_failed',
      event_name: 'Login Failed',
      partition_id: 'default',
    });
    expect(Object.keys(info).sort()).toEqual(
      ['event_identifier', 'occurred', 'event_type', 'event_name', 'partition_id'].sort(),
    );
  });

  it('keeps occurred an integer number of milliseconds', () => {
    const info = eventInfo({ ...base, created: '2025-01-01T00:00:00.001Z' });
    expect(Number.isInteger(info.occurred)).toBe(true);
    expect(info.occurred).toBe(1735689600001);
  });
});

describe('subjectSearchQuery', () => {
  const fieldOf = (query: Record<string, string>) => {
    const result = subjectSearchQuery.safeParse(query);
    return result.success ? null : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('checks actor/userId first, then limit, then offset, reporting only the first failure', () => {
    expect(fieldOf({ limit: 'x', offset: 'y' })).toEqual(['actor']);
    expect(fieldOf({ actor: 'a', limit: 'x', offset: 'y' })).toEqual(['limit']);
    expect(fieldOf({ actor: 'a', limit: '10', offset: 'y' })).toEqual(['offset']);
    expect(fieldOf({ userId: '7', limit: '10', offset: '0' })).toBeNull();
  });

  it('reads numbers in base 10 and treats empty actor/userId as missing', () => {
    expect(subjectSearchQuery.parse({ actor: 'a', userId: '', limit: '010', offset: '007' })).toEqual({
      actor: 'a',
      person: undefined,
      limit: 10,
      offset: 7,
    });
  });
});
