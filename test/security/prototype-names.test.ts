// Issue 25 item 4 through real HTTP: every name of an `Object.prototype` member, wherever a client
// names a key (binding options and conditions, handler module paths, event fields and their
// nested keys, dotted paths in conditions, queries, mangler paths and tags, matcher policy
// choices, query parameters), is data: refused like any unknown name, or kept and matched as an
// own key, never an inherited member; and nothing reaches Object.prototype.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionHolds } from '../../lib/bindings/conditions.ts';
import { newEvent } from '../../lib/events/event.ts';
import { deleteParameter, readParameter, setParameter } from '../../lib/handlers/mangler.ts';
import { tagValue } from '../../lib/handlers/tags.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService({ dispatch: true });
});
afterAll(() => service?.close());

const names = Object.getOwnPropertyNames(Object.prototype);
/** An object with an own key of that name (a literal `__proto__:` would set the prototype). */
const own = (name: string, value: unknown): Record<string, unknown> =>
  JSON.parse(`{${JSON.stringify(name)}:${JSON.stringify(value)}}`);
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

/** The answer to a prototype name is the answer to any unknown name; a refusal changes nothing. */
async function likeUnknown(call: (name: string) => Promise<{ status: number; text: string }>, name: string) {
  const baseline = await call('nope_name');
  const before = await service.digest();
  const answer = await call(name);
  expect(answer.status, `${name}: ${answer.text.slice(0, 300)}`).toBe(baseline.status);
  if (baseline.status >= 400) expect(await service.digest(), `${name} changed the table`).toBe(before);
  return answer;
}

const logging = { name: 'proto', event: 'login', handlermodule: 'Logging', action: 'logging', position: 'post' };
let serial = 0;

describe.each(names)('the name %s', (name) => {
  it('is an unknown option, condition, module, action and position to the binding routes', async () => {
    const save = (json: (key: string) => Record<string, unknown>) => (key: string) =>
      service.call('POST', '/event', { json: { ...logging, name: `proto ${serial++}`, ...json(key) } });
    expect(
      (
        await likeUnknown(
          save((key) => ({ [`option.${key}`]: '1' })),
          name,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await likeUnknown(
          save((key) => ({ conditions: own(key, 'x') })),
          name,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await likeUnknown(
          save((key) => ({ handlermodule: key })),
          name,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await likeUnknown(
          save((key) => ({ action: key })),
          name,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await likeUnknown(
          save((key) => ({ position: key })),
          name,
        )
      ).status,
    ).toBe(400);
    const created = await service.call('POST', '/event', { json: { ...logging, name: `proto ${serial++}` } });
    expect(created.status, created.text).toBe(200);
    const id = created.body.result.value as number;
    const patch = (json: (key: string) => unknown) => (key: string) =>
      service.call('PATCH', `/event/${id}`, { json: json(key) });
    expect(
      (
        await likeUnknown(
          patch((key) => ({ options: own(key, 'x') })),
          name,
        )
      ).status,
    ).toBe(400);
    // A write-only option sent back hidden keeps its stored value: none for an unknown name.
    await likeUnknown(
      patch((key) => ({ options: own(key, '__HIDDEN__') })),
      name,
    );
    expect((await service.call('GET', `/event/${id}`)).body.result.value[0].options).toEqual({});
    expect(
      (
        await likeUnknown(
          patch((key) => ({ conditions: own(key, 'x') })),
          name,
        )
      ).status,
    ).toBe(400);
    for (const list of ['actions', 'conditions', 'positions']) {
      const answer = await likeUnknown((key) => service.call('GET', `/event/${list}/${encodeURIComponent(key)}`), name);
      expect(answer.status).toBe(200);
    }
    expect((await service.call('DELETE', `/event/${id}`)).status).toBe(200);
  });

  it('is kept as data in an event and found as an own key only', async () => {
    const marker = `m${Math.random().toString(36).slice(2, 10)}`;
    const event = {
      action: 'custom_proto_names',
      app: marker,
      user: { username: 'proto', ...own(name, 'u') },
      brand: own(name, 'b'),
      context: { ...own(name, { inner: marker }), nested: own(name, 1) },
    };
    const created = await service.call('POST', '/events/events/', { json: event });
    expect(created.status, created.text).toBe(201);
    for (const part of ['user', 'brand', 'context'] as const) {
      expect(Object.hasOwn(created.body[part], name), `${part}.${name}`).toBe(true);
    }
    const stored = await service.call('GET', `/events/events/${created.body.pk}/`);
    expect(stored.text).toBe(created.text);
    expect(stored.body.context[name]).toEqual({ inner: marker });
    expect(stored.body.context.nested).toEqual(own(name, 1));
    // A query names the key as a path: only this event has it as its own.
    const search = async (query: string) => {
      const search = encodeURIComponent(`app = "${marker}" and ${query}`);
      const answer = await service.call('GET', `/events/events/?search=${search}`);
      expect(answer.status, answer.text).toBe(200);
      return answer.body.pagination.count as number;
    };
    expect(await search(`context.${name}.inner = "${marker}"`)).toBe(1);
    expect(await search(`context.nested.${name} = 1`)).toBe(1);
    const other = await service.call('POST', '/events/events/', {
      json: { action: 'custom_proto_names', app: marker, context: {} },
    });
    expect(other.status).toBe(201);
    expect(await search(`context.nested.${name} = 1`)).toBe(1);
    // The event without the key has None there (an inherited member is not a value).
    expect(await search(`context.${name} = None`)).toBe(1);
    expect(await search(`context.nested.${name} != None`)).toBe(1);
  });

  it('is an unknown field of the query language, an unknown choice of a matcher policy, an ignored parameter', async () => {
    const query = (key: string) => service.call('GET', `/events/events/?search=${encodeURIComponent(`${key} = "x"`)}`);
    expect((await likeUnknown(query, name)).status).toBe(400);
    for (const field of ['action', 'app', 'model']) {
      await likeUnknown(
        (key) => service.call('POST', '/policies/event_matcher/', { json: { name: `p ${serial++}`, [field]: key } }),
        name,
      );
    }
    const parameter = (key: string) => service.call('GET', `/events/events/?${encodeURIComponent(key)}=1`);
    expect((await likeUnknown(parameter, name)).status).toBe(200);
    const onegini = (key: string) => service.call('GET', `/api/events?${encodeURIComponent(key)}=1`);
    await likeUnknown(onegini, name);
  });
});

describe.each(names)('a dotted path through %s a binding names', (name) => {
  const without = newEvent({ action: 'login', app: 'proto', context: { a: {} } }, new Date(), 1);
  const withKey = newEvent(
    { action: 'login', app: 'proto', context: { ...own(name, 'x'), a: own(name, 'y') } },
    new Date(),
    1,
  );
  const lookups = { policyPasses: async () => false, counterValue: async () => 0 };

  it('a context condition reads own keys only', async () => {
    for (const [path, value] of [
      [name, 'x'],
      [`a.${name}`, 'y'],
    ]) {
      expect(await conditionHolds('context', `${path} == ${value}`, withKey, lookups)).toBe(true);
      expect(await conditionHolds('context', `${path} == ${value}`, without, lookups)).toBe(false);
      expect(await conditionHolds('context', `${path} == {}`, without, lookups)).toBe(false);
    }
    expect(await conditionHolds(name, 'x', withKey, lookups)).toBe(false);
  });

  it('a tag and a mangler parameter read and write own keys only', async () => {
    expect(tagValue(`context.${name}`, withKey)).toBe('x');
    expect(tagValue(`context.a.${name}`, without)).toBeUndefined();
    expect(tagValue(name, withKey)).toBeUndefined();
    expect(readParameter(without, `context.${name}`)).toBeUndefined();
    expect(readParameter(withKey, `context.a.${name}`)).toBe('y');
    const set = await setParameter(without, { parameter: `context.${name}.b`, value: 'z' });
    expect(Object.hasOwn(set.event.context, name)).toBe(true);
    expect(set.event.context[name]).toEqual({ b: 'z' });
    expect(Object.getPrototypeOf(set.event.context)).toBe(Object.prototype);
    const deleted = deleteParameter(without, `context.a.${name}`);
    expect(deleted.notes).toEqual([`context.a.${name} not present`]);
  });
});

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
});
