// Sigma's published correlation examples as detection rules. Source: the Sigma correlation rules
// specification v2.0.0 (2024-08-08), SigmaHQ/sigma-specification,
// specification/sigma-correlation-rules-specification.md: "Many failed logins" (event_count,
// group-by ComputerName, timespan 1h, gte 100), "Failed login" (value_count, group-by
// ComputerName and WorkstationName, timespan 1d, field User, gte 100) and "Multiple failed
// logons" (event_count, group-by User, timespan 10m, gte 10, from its brute-force example).
// Translated to identity events: Windows' failed logon (EventID 4625, 529) is `login_failed`;
// ComputerName, the host logged on to, is the brand (the tenant signed in to); WorkstationName,
// where the attempt comes from, is `client_ip`; User is `user.username`. Sigma's `timespan` is
// `window` in seconds, `condition: gte: N` is `threshold: N` (the rule fires when the count
// reaches it); Sigma has no suppression, so `suppress_for` is 0.
import { describe, expect, it } from 'vitest';
import { evaluateRule, type RuleEvent } from '../../../lib/rules/evaluate.ts';
import { ruleInput } from '../../../lib/rules/rule.ts';

const failedLogin = 'action = "login_failed"';

/** The three examples, as a client would POST them to /rules/. */
const sigma = {
  manyFailedLogins: {
    name: 'Many failed logins',
    query: failedLogin,
    type: 'event_count',
    group_by: ['brand.name'],
    window: 3600,
    threshold: 100,
  },
  failedLoginDistinctUsers: {
    name: 'Failed login',
    query: failedLogin,
    type: 'value_count',
    field: 'user.username',
    group_by: ['brand.name', 'client_ip'],
    window: 86_400,
    threshold: 100,
  },
  multipleFailedLogons: {
    name: 'Multiple failed logons',
    query: failedLogin,
    type: 'event_count',
    group_by: ['user.username'],
    window: 600,
    threshold: 10,
  },
};

const rule = (body: object) => {
  const parsed = ruleInput.safeParse(body);
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
};

const base = Date.UTC(2026, 10, 30, 5, 0, 0);
let next = 0;
function failed(
  second: number,
  fields: { user?: string; brand?: string; ip?: string; action?: string } = {},
): RuleEvent {
  next++;
  return {
    pk: `e${String(next).padStart(6, '0')}`,
    created: new Date(base + second * 1000).toISOString(),
    action: fields.action ?? 'login_failed',
    app: 'authentik.events.signals',
    user: { username: fields.user ?? 'ana' },
    client_ip: fields.ip ?? '198.51.100.7',
    context: {},
    brand: { name: fields.brand ?? 'acme' },
  };
}

describe('Sigma "Many failed logins": 100 or more per host in an hour', () => {
  const many = rule(sigma.manyFailedLogins);

  it('fires once at the 100th failed login against one brand within the hour', () => {
    const events = Array.from({ length: 150 }, (_, i) => failed(i * 20, { user: `user${i}` }));
    const fires = evaluateRule(many, events);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({ group: { 'brand.name': 'acme' }, count: 100, last_event: events[99]?.pk });
  });

  it('does not fire for 99, for 100 spread over exactly an hour, or over two brands', () => {
    expect(
      evaluateRule(
        many,
        Array.from({ length: 99 }, (_, i) => failed(i)),
      ),
    ).toEqual([]);
    // The 1st at 0 s and the 100th at 3600 s: the 1st has just left the window.
    expect(
      evaluateRule(
        many,
        Array.from({ length: 100 }, (_, i) => failed((i * 3600) / 99)),
      ),
    ).toEqual([]);
    const split = Array.from({ length: 100 }, (_, i) => failed(i, { brand: i % 2 === 0 ? 'acme' : 'globex' }));
    expect(evaluateRule(many, split)).toEqual([]);
  });

  it('does not count successful logins', () => {
    const events = Array.from({ length: 100 }, (_, i) => failed(i, { action: i === 50 ? 'login' : 'login_failed' }));
    expect(evaluateRule(many, events)).toEqual([]);
  });
});

describe('Sigma "Failed login": 100 or more distinct users per source and host in a day', () => {
  const distinct = rule(sigma.failedLoginDistinctUsers);

  it('fires when one address has tried its 100th distinct account on one brand', () => {
    const events = Array.from({ length: 120 }, (_, i) => failed(i * 60, { user: `user${i}` }));
    const fires = evaluateRule(distinct, events);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({
      group: { 'brand.name': 'acme', client_ip: '198.51.100.7' },
      count: 100,
      last_event: events[99]?.pk,
    });
    expect(fires[0]?.sample_events).toHaveLength(10);
  });

  it('does not fire for many attempts on 99 accounts, nor for 100 accounts tried from two addresses', () => {
    const repeated = Array.from({ length: 300 }, (_, i) => failed(i, { user: `user${i % 99}` }));
    expect(evaluateRule(distinct, repeated)).toEqual([]);
    const twoSources = Array.from({ length: 100 }, (_, i) =>
      failed(i, { user: `user${i}`, ip: i % 2 === 0 ? '198.51.100.7' : '203.0.113.9' }),
    );
    expect(evaluateRule(distinct, twoSources)).toEqual([]);
  });
});

describe('Sigma "Multiple failed logons": 10 or more per user in 10 minutes', () => {
  const multiple = rule(sigma.multipleFailedLogons);

  it('fires per user, not for the user with fewer', () => {
    const events = [
      ...Array.from({ length: 10 }, (_, i) => failed(i * 59, { user: 'ana' })),
      ...Array.from({ length: 9 }, (_, i) => failed(i * 10, { user: 'bob' })),
    ];
    const fires = evaluateRule(multiple, events);
    expect(fires.map((fire) => fire.group)).toEqual([{ 'user.username': 'ana' }]);
    expect(fires[0]?.count).toBe(10);
  });

  it('does not fire for 10 spread over exactly 10 minutes', () => {
    expect(
      evaluateRule(
        multiple,
        Array.from({ length: 10 }, (_, i) => failed((i * 600) / 9)),
      ),
    ).toEqual([]);
  });
});
