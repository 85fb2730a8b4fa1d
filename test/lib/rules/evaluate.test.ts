// The semantics of lib/rules/evaluate.ts, one decision per test: the window's edges, the quiet
// after a fire, what "reaches the threshold again" counts, groups, fields, late events, samples.
import { describe, expect, it } from 'vitest';
import { evaluateRule, RuleEvaluator, type RuleEvent } from '../../../lib/rules/evaluate.ts';
import { canonicalJson, parseEventPath, valueAtEventPath } from '../../../lib/rules/event-path.ts';

const base = Date.UTC(2026, 10, 30, 5, 0, 0);
let next = 0;

/** An event `second`s after the base; pks rise with creation, so ties keep the order written. */
function at(second: number, fields: Partial<RuleEvent> = {}): RuleEvent {
  next++;
  return {
    pk: `e${String(next).padStart(4, '0')}`,
    created: new Date(base + second * 1000).toISOString(),
    action: 'login_failed',
    app: 'authentik.core',
    user: { username: 'ana' },
    client_ip: '192.0.2.1',
    context: {},
    brand: {},
    ...fields,
  };
}

const rule = (fields: Partial<Parameters<typeof evaluateRule>[0]> = {}) => ({
  query: 'action = "login_failed"',
  type: 'event_count' as const,
  field: null,
  group_by: ['user.username'],
  window: 60,
  threshold: 3,
  suppress_for: 0,
  ...fields,
});

const lastEvents = (fires: { last_event: string }[]) => fires.map((fire) => fire.last_event);

describe('the window', () => {
  it('holds the events created in (t − window, t]: one exactly window seconds older has left it', () => {
    const events = [at(0), at(30), at(60)];
    expect(evaluateRule(rule(), events)).toEqual([]);
    const inside = [at(0), at(30), at(59.999)];
    const fires = evaluateRule(rule(), inside);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({
      count: 3,
      window_start: new Date(base + 59_999 - 60_000).toISOString(),
      window_end: new Date(base + 59_999).toISOString(),
      first_event: inside[0]?.pk,
      last_event: inside[2]?.pk,
    });
  });

  it('counts events of one instant together, in pk order', () => {
    const events = [at(5), at(5), at(5)];
    expect(lastEvents(evaluateRule(rule(), [...events].reverse()))).toEqual([events[2]?.pk]);
  });
});

describe('after a fire', () => {
  it('counts only the events after it: with suppress_for 0, once per threshold events', () => {
    const events = Array.from({ length: 7 }, (_, i) => at(i));
    expect(lastEvents(evaluateRule(rule(), events))).toEqual([events[2]?.pk, events[5]?.pk]);
  });

  it('stays quiet for suppress_for seconds, then fires at the first event when those since the fire reach the threshold', () => {
    // Fire at 2; events at 3…9 collect while quiet (until 2 + 10 = 12); at 12 the ones in (−48, 12] after the fire count.
    const events = [at(0), at(1), at(2), ...[3, 4, 5, 6, 7, 8, 9, 12].map((s) => at(s))];
    const fires = evaluateRule(rule({ suppress_for: 10 }), events);
    expect(fires.map((fire) => [fire.window_end, fire.count])).toEqual([
      [new Date(base + 2000).toISOString(), 3],
      [new Date(base + 12_000).toISOString(), 8],
    ]);
    expect(fires[1]?.first_event).toBe(events[3]?.pk);
  });

  it('fires at exactly fire + suppress_for, not a millisecond before', () => {
    const events = [at(0), at(0), at(0), at(9.999), at(9.999), at(9.999), at(10)];
    expect(evaluateRule(rule({ suppress_for: 10 }), events).map((fire) => fire.window_end)).toEqual([
      new Date(base).toISOString(),
      new Date(base + 10_000).toISOString(),
    ]);
  });

  it('needs the events after the fire to be in one window again: those that left it do not count', () => {
    // Fire at 2; one event at 3, then quiet ends at 70: the event at 3 has left the window of 70.
    const events = [at(0), at(1), at(2), at(3), at(70), at(71)];
    expect(lastEvents(evaluateRule(rule({ suppress_for: 60 }), events))).toEqual([events[2]?.pk]);
    expect(lastEvents(evaluateRule(rule({ suppress_for: 60 }), [...events, at(72)]))).toHaveLength(2);
  });
});

describe('groups and fields', () => {
  it('keeps a window per group; a missing path, or JSON null, groups under null', () => {
    const events = [
      at(0, { user: { username: 'ana' } }),
      at(1, { user: {} }),
      at(2, { user: { username: null } }),
      at(3, { user: { username: 'ana' } }),
      at(4, { user: { username: 'ana' } }),
      at(5, { user: {} }),
    ];
    const fires = evaluateRule(rule(), events);
    expect(fires.map((fire) => fire.group)).toEqual([{ 'user.username': 'ana' }, { 'user.username': null }]);
  });

  it('groups by several paths, values compared as JSON (5 and "5" differ, key order does not)', () => {
    const grouped = rule({ group_by: ['context.n', 'client_ip'], threshold: 2 });
    const fires = evaluateRule(grouped, [
      at(0, { context: { n: 5 } }),
      at(1, { context: { n: '5' } }),
      at(2, { context: { n: { a: 1, b: 2 } } }),
      at(3, { context: { n: { b: 2, a: 1 } } }),
    ]);
    expect(fires.map((fire) => fire.group)).toEqual([{ 'context.n': { a: 1, b: 2 }, client_ip: '192.0.2.1' }]);
  });

  it('value_count counts distinct values; an event without the field is not counted', () => {
    const distinct = rule({ type: 'value_count', field: 'context.target', group_by: ['client_ip'] });
    const events = [
      at(0, { context: { target: 'x' } }),
      at(1, { context: { target: 'x' } }),
      at(2, { context: {} }),
      at(3, { context: { target: null } }),
      at(4, { context: { target: 'y' } }),
      at(5, { context: { target: 'z' } }),
    ];
    const fires = evaluateRule(distinct, events);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({ count: 3, first_event: events[0]?.pk, last_event: events[5]?.pk });
    // One sample per value: the oldest event of each.
    expect(fires[0]?.sample_events).toEqual([events[0]?.pk, events[4]?.pk, events[5]?.pk]);
  });

  it('names at most 10 sample events, the oldest counted', () => {
    const events = Array.from({ length: 25 }, (_, i) => at(i));
    const [fire] = evaluateRule(rule({ threshold: 25 }), events);
    expect(fire?.sample_events).toEqual(events.slice(0, 10).map((event) => event.pk));
  });
});

describe('what is never counted', () => {
  it('events rules caused, whatever the query', () => {
    const anything = rule({ query: 'app ~ "" or action ~ ""', group_by: [], threshold: 2 });
    const caused = { action: 'custom_threshold_exceeded', app: 'idp-event-hub.rules' };
    expect(evaluateRule(anything, [at(0, caused), at(1, caused), at(2, caused)])).toEqual([]);
    // The same action from another app is an ordinary event.
    expect(evaluateRule(anything, [at(0, { ...caused, app: 'other' }), at(1)])).toHaveLength(1);
  });

  it('events the query does not match', () => {
    expect(evaluateRule(rule(), [at(0, { action: 'login' }), at(1), at(2)])).toEqual([]);
  });
});

describe('fed one event at a time', () => {
  it('takes a late event as happening at the newest time its group has seen', () => {
    const evaluator = new RuleEvaluator(rule({ threshold: 2, window: 10 }));
    expect(evaluator.add(at(100))).toBeNull();
    // Created 50 s earlier than the group's newest: counted at 100, so it is in that window.
    const fire = evaluator.add(at(50));
    expect(fire?.window_end).toBe(new Date(base + 100_000).toISOString());
  });

  it('forgets idle groups on a sweep, and keeps one that is quiet', () => {
    const evaluator = new RuleEvaluator(rule({ threshold: 1, suppress_for: 100, window: 10 }));
    evaluator.add(at(0, { user: { username: 'a' } }));
    evaluator.add(at(0, { user: { username: 'b' } }));
    expect(evaluator.size).toBe(2);
    evaluator.sweep(base + 50_000);
    expect(evaluator.size).toBe(2);
    evaluator.sweep(base + 100_000);
    expect(evaluator.size).toBe(0);
  });
});

describe('event paths', () => {
  it('are the query language names of the event: action, app, client_ip, and keys of user, brand, context', () => {
    for (const path of [
      'action',
      'app',
      'client_ip',
      'user.username',
      'brand.name',
      'context.geo.country',
      'context.__proto__',
    ])
      expect(parseEventPath(path).ok, path).toBe(true);
    for (const path of [
      '',
      'user',
      'context',
      'created',
      'pk',
      'client_ip.x',
      'user..name',
      'user.na-me',
      'user.1a',
      'x.y',
    ])
      expect(parseEventPath(path).ok, path).toBe(false);
    expect(parseEventPath(`context.${'k'.repeat(200)}`).ok).toBe(false);
    expect(parseEventPath(`context${'.k'.repeat(9)}`).ok).toBe(false);
    expect(parseEventPath(`context${'.k'.repeat(8)}`).ok).toBe(true);
  });

  it('read own keys only: an inherited name is missing (null)', () => {
    const event = at(0, { context: { a: { b: 1 } } });
    expect(valueAtEventPath(event, ['context', 'a', 'b'])).toBe(1);
    expect(valueAtEventPath(event, ['context', 'constructor'])).toBeNull();
    expect(valueAtEventPath(event, ['context', 'a', 'toString'])).toBeNull();
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});
