import { describe, expect, it } from 'vitest';
import { indexTerms, parseQuery } from '../../../lib/query/akql.ts';

const terms = (text: string) => {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return indexTerms(parsed.query);
};

const day = (iso: string) => Date.parse(iso);

describe('index terms', () => {
  it('takes the AND-ed action, username, client IP, event id and created range', () => {
    expect(
      terms(
        'action = "Login Failed" and user.username = "alice" and client_ip = "2001:DB8:0::1" and created >= "2026-11-01" and created < "2026-12-01"',
      ),
    ).toEqual({
      actions: ['login_failed'],
      usernames: ['alice'],
      clientIps: ['2001:db8::1'],
      created: { from: day('2026-11-01T00:00:00Z'), to: day('2026-12-01T00:00:00Z') },
      complete: true,
    });
    expect(terms('event_uuid = "0193A1B2C3D47E5F8A9B0C1D2E3F4A5B"')).toEqual({
      eventUuids: ['0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
      complete: true,
    });
  });

  it('intersects the same term and the ranges', () => {
    expect(terms('action in ("login", "logout") and action in ("logout", "login_failed")')).toEqual({
      actions: ['logout'],
      complete: true,
    });
    expect(terms('action = "login" and action = "logout"')).toEqual({ actions: [], complete: true });
    expect(
      terms('created > "2026-11-30 05:09:00" and created <= "2026-11-30 06:00" and created >= "2026-11-30"'),
    ).toEqual({
      created: { from: day('2026-11-30T05:09:00Z') + 1, to: day('2026-11-30T06:00:00Z') + 1 },
      complete: true,
    });
    expect(terms('created = "2026-11-30T05:09:00.120Z"')).toEqual({
      created: { from: day('2026-11-30T05:09:00.120Z'), to: day('2026-11-30T05:09:00.121Z') },
      complete: true,
    });
  });

  it('any grouping of and is the top; the rest makes it incomplete', () => {
    expect(terms('(action = "login" and app = "x") and (user.username = "a" or user.username = "b")')).toEqual({
      actions: ['login'],
      complete: false,
    });
    // DjangoQL groups to the right: this is action = … and (app = … or …).
    expect(terms('action = "login" and app = "x" or app = "y"')).toEqual({ actions: ['login'], complete: false });
  });

  it('has none under an or, a negation, a substring or a value no index holds', () => {
    expect(terms('action = "login" or action = "logout"')).toEqual({ complete: false });
    expect(terms('action != "login"')).toEqual({ complete: false });
    expect(terms('action ~ "login"')).toEqual({ complete: false });
    expect(terms('user.username = ""')).toEqual({ complete: false });
    expect(terms('user.username in ("a", 5)')).toEqual({ complete: false });
    expect(terms('client_ip in cidr("10.0.0.0/8")')).toEqual({ complete: false });
    expect(terms('created ~ "2026-11"')).toEqual({ complete: false });
  });
});
