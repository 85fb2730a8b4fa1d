// Red-team cases of issue 13, items 2–5, through real HTTP: pre bindings that overrun their
// budget, pre counter changes around a refused event, poisoned binding ids, and what DynamoDB
// cannot hold (idempotent replies, oversized bindings). Faults are injected into the service's
// own DynamoDB client, as a slow or failing table would behave.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postedByRoot } from '../helpers/events.ts';
import { type Answer, type Service, startService } from '../helpers/service.ts';

// Read once per cold start, so set before the functions are loaded; the tests delay a read well past it.
process.env.PRE_BINDINGS_BUDGET_MS = '1000';
const slowMs = 2_500;

/** Runs before each DynamoDB command the service sends: may delay it or throw. */
let fault: ((command: string, input: string) => Promise<void>) | null = null;

let service: Service;
beforeAll(async () => {
  service = await startService();
  const { dynamo } = await import('../../lib/store/client.ts');
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (fault) await fault(context.commandName as string, JSON.stringify(args.input));
      return next(args);
    },
    { step: 'initialize', name: 'injectedFault' },
  );
});
afterEach(() => {
  fault = null;
});
afterAll(() => service.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function bind(params: Record<string, unknown>): Promise<number> {
  const answer = await service.call('POST', '/event', { json: { position: 'pre', ...params } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value;
}

const counting = (event: string, counter: string, extra: Record<string, unknown> = {}) => ({
  name: `count ${counter}`,
  event,
  handlermodule: 'Counter',
  action: 'increase_counter',
  'option.counter_name': counter,
  ...extra,
});

const ingest = (action: string, headers?: Record<string, string>) =>
  service.call('POST', '/events/events/', { json: { app: 'red-team', action }, headers });

async function counterValue(name: string): Promise<number | null> {
  const answer = await service.call('GET', `/event/counters/${name}`);
  if (answer.status === 404) return null;
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value.counter_value;
}

async function deliveriesOf(eventUuid: string) {
  const listed = await service.call('GET', `/event/deliveries?event=${eventUuid}`);
  expect(listed.status, listed.text).toBe(200);
  return listed.body.result.value as { binding: number; status: string; last_error: string | null }[];
}

/** Reads of this counter take `slowMs`: a pre Counter binding on it overruns the budget. */
const slowCounter = (name: string) => async (command: string, input: string) => {
  if (/^Get(Item)?Command$/.test(command) && input.includes(`COUNTER#${name}`)) await sleep(slowMs);
};

const expectPrivacyIdea400 = (answer: Answer, message: string) => {
  expect(answer.status, answer.text).toBe(400);
  expect(answer.body.result.error.code).toBe(905);
  expect(answer.body.result.error.message).toContain(message);
};

describe('item 2: pre bindings share one time budget', () => {
  it('by default the runs and then the ledger, each within the budget, end well inside the function timeout', async () => {
    const { defaultPreBudgetMs } = await import('../../lib/dispatch/config.ts');
    const { routeTimeoutSeconds } = await import('../../infra/route-function.ts');
    expect(2 * defaultPreBudgetMs).toBeLessThanOrEqual(routeTimeoutSeconds * 1000 - 3_000);
  });

  it('a binding that overruns is skipped and recorded like a failing one, and so is every one after it', async () => {
    const slow = await bind(counting('custom_slow', 'slow_a', { ordering: 0 }));
    const after = await bind({
      name: 'after the slow one',
      event: 'custom_slow',
      handlermodule: 'RequestMangler',
      action: 'set',
      ordering: 1,
      'option.parameter': 'context.after',
      'option.value': 'ran',
    });
    fault = slowCounter('slow_a');
    const started = Date.now();
    const answer = await ingest('custom_slow');
    // The answer did not wait for the slow read.
    expect(Date.now() - started).toBeLessThan(slowMs);
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.context).toEqual(postedByRoot);
    const stored = await service.call('GET', `/events/events/${answer.body.pk}/`);
    expect(stored.status).toBe(200);
    const byBinding = new Map((await deliveriesOf(answer.body.pk)).map((d) => [d.binding, d]));
    for (const id of [slow, after]) {
      expect(byBinding.get(id)?.status).toBe('failed');
      expect(byBinding.get(id)?.last_error).toContain("pre bindings' time budget of 1000 ms was spent");
    }
    // The overrun run ends on its own later; what it would have changed is dropped.
    await sleep(slowMs);
    expect(await counterValue('slow_a')).toBeNull();
  });

  it('with abort_on_error an overrun refuses the event (400) and writes nothing, not even later', async () => {
    const id = await bind(counting('custom_slow_abort', 'slow_b', { abort_on_error: true }));
    fault = slowCounter('slow_b');
    const before = service.completedWrites();
    const answer = await ingest('custom_slow_abort');
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.non_field_errors[0]).toContain(`binding ${id}`);
    expect(answer.body.non_field_errors[0]).toContain('time budget');
    await sleep(slowMs);
    expect(service.completedWrites()).toBe(before);
  });

  it('once the event is stored, a failing ledger write does not turn the answer into a 5xx', async () => {
    await bind({ name: 'log it', event: 'custom_ledger_down', handlermodule: 'Logging', action: 'logging' });
    fault = async (command, input) => {
      if (/^Put(Item)?Command$/.test(command) && input.includes('DELIVERY#'))
        throw new Error('injected: deliveries unavailable');
    };
    const answer = await ingest('custom_ledger_down');
    expect(answer.status, answer.text).toBe(201);
    fault = null;
    expect((await service.call('GET', `/events/events/${answer.body.pk}/`)).status).toBe(200);
  });
});

describe('item 3: pre counter changes commit with the event or not at all', () => {
  it('a Counter and then an aborting RequestMangler: 400, and the counter never moves', async () => {
    await bind(counting('custom_count_then_abort', 'aborted_count', { ordering: 0 }));
    await bind({
      name: 'strict mangler',
      event: 'custom_count_then_abort',
      handlermodule: 'RequestMangler',
      action: 'set',
      ordering: 1,
      abort_on_error: true,
      'option.parameter': 'client_ip',
      'option.value': 'not-an-ip',
    });
    const before = service.completedWrites();
    for (const headers of [undefined, undefined, { 'idempotency-key': 'abort-1' }]) {
      const answer = await ingest('custom_count_then_abort', headers);
      expect(answer.status, answer.text).toBe(400);
    }
    expect(await counterValue('aborted_count')).toBeNull();
    expect(service.completedWrites()).toBe(before);
  });

  it('a stored event moves its counters once each, also when events race', async () => {
    await bind(counting('custom_counted', 'raced'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => ingest('custom_counted')));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(await counterValue('raced')).toBe(5);
    const delivery = (await deliveriesOf(answers[0]?.body.pk))[0] as unknown as { notes: string[] };
    expect(delivery.notes[0]).toMatch(/^raced = [1-5]$/);
  });

  it('decreases without negatives stop at 0, also combined with other changes in one event', async () => {
    const decrease = (event: string, counter: string, ordering = 0) => ({
      ...counting(event, counter),
      name: `decrease ${counter}`,
      action: 'decrease_counter',
      ordering,
    });
    await bind(counting('custom_up', 'clamped'));
    await bind(decrease('custom_down', 'clamped'));
    expect((await ingest('custom_down')).status).toBe(201);
    expect(await counterValue('clamped')).toBe(0);
    for (const action of ['custom_up', 'custom_up', 'custom_down']) expect((await ingest(action)).status).toBe(201);
    expect(await counterValue('clamped')).toBe(1);
    for (const action of ['custom_down', 'custom_down']) expect((await ingest(action)).status).toBe(201);
    expect(await counterValue('clamped')).toBe(0);
    // Up, down, down in one event, from nothing: 0 (the second decrease stops at 0); twice.
    await bind(counting('custom_up_down', 'mixed', { ordering: 0 }));
    await bind(decrease('custom_up_down', 'mixed', 1));
    await bind(decrease('custom_up_down', 'mixed', 2));
    for (const _ of [1, 2]) expect((await ingest('custom_up_down')).status).toBe(201);
    expect(await counterValue('mixed')).toBe(0);
    await bind({ ...decrease('custom_negative', 'negative'), 'option.allow_negative_values': 'true' });
    expect((await ingest('custom_negative')).status).toBe(201);
    expect(await counterValue('negative')).toBe(-1);
  });
});

const logging = { name: 'ids', event: 'login', handlermodule: 'Logging', action: 'logging', position: 'post' };

describe('item 4: binding ids cannot be poisoned', () => {
  it('ids above 2147483647 are refused (400/905) and change nothing', async () => {
    for (const id of [9007199254740991, 2147483648, '99999999999', 0]) {
      const before = service.completedWrites();
      const answer = await service.call('POST', '/event', { json: { ...logging, id } });
      expectPrivacyIdea400(answer, 'must be an integer from 1 to 2147483647');
      expect(service.completedWrites()).toBe(before);
    }
    const created = await service.call('POST', '/event', { json: logging });
    expect(created.status, created.text).toBe(200);
  });

  it('an explicit id at the maximum leaves generated ids working (the lowest free one)', async () => {
    const top = await service.call('POST', '/event', { json: { ...logging, id: 2147483647 } });
    expect(top.status, top.text).toBe(200);
    const ids: number[] = [];
    for (const _ of [1, 2]) {
      const answer = await service.call('POST', '/event', { json: logging });
      expect(answer.status, answer.text).toBe(200);
      ids.push(answer.body.result.value);
    }
    expect(ids[0]).toBeLessThan(2147483647);
    expect(ids[1]).not.toBe(ids[0]);
    expect((await service.call('DELETE', '/event/2147483647')).status).toBe(200);
    expect((await service.call('DELETE', `/event/${ids[0]}`)).status).toBe(200);
    // The freed id is the lowest free one again.
    const again = await service.call('POST', '/event', { json: logging });
    expect(again.status, again.text).toBe(200);
    expect(again.body.result.value).toBe(ids[0]);
  });
});

describe('item 5: what DynamoDB cannot hold is refused or stored opaque', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const bodies: Record<string, string> = {
    'a number above 2^53': '{"x": 9007199254740993}',
    'more digits than DynamoDB keeps': `{"x": ${'1'.repeat(60)}}`,
    'a lone surrogate': '{"x": "\\ud800", "\\udc00": "key"}',
    'an empty key': '{"": {"": ""}}',
    'a nested __proto__': '{"a": {"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}}',
    // The parser allows 32 levels, the body one of them: as a reply map (reply, body, context…) 33.
    'nesting DynamoDB maps cannot hold in a reply': nested(31),
  };

  it.each(Object.entries(bodies))(
    '%s: answered with an Idempotency-Key as without one, and replayed',
    async (name, context) => {
      const raw = `{"app": "red-team", "action": "custom_odd", "context": ${context}}`;
      const headers = { 'idempotency-key': `odd ${name}` };
      const plain = await service.call('POST', '/events/events/', { raw });
      if (plain.status !== 201) {
        // Refused at the edge (the parser refuses lone surrogates): then with a key too, writing nothing.
        expect(plain.status, plain.text).toBe(400);
        const before = service.completedWrites();
        const keyed = await service.call('POST', '/events/events/', { raw, headers });
        expect(keyed.text).toBe(plain.text);
        expect(service.completedWrites()).toBe(before);
        return;
      }
      const first = await service.call('POST', '/events/events/', { raw, headers });
      expect(first.status, first.text).toBe(201);
      expect(first.body.context).toEqual(plain.body.context);
      const again = await service.call('POST', '/events/events/', { raw, headers });
      expect(again.status, again.text).toBe(201);
      expect(again.text).toBe(first.text);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  const names = (count: number) => Array.from({ length: count }, (_, i) => `custom_n${i}`);
  const webhook = (extra: Record<string, unknown>) => ({
    name: 'big',
    handlermodule: 'WebHook',
    action: 'post_webhook',
    'option.URL': 'https://hooks.example.com/in',
    'option.content_type': 'application/json',
    ...extra,
  });

  it('oversized bindings answer 400/905, write nothing and take no id', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [webhook({ event: names(99) }), 'at most 32 event names'],
      [webhook({ event: names(90), 'option.data': 'x'.repeat(60_000) }), 'at most 32 event names'],
      [webhook({ event: names(33) }), 'at most 32 event names'],
      [webhook({ event: 'login', 'option.data': 'x'.repeat(32 * 1024 + 1) }), 'option.data: at most 32768 bytes'],
      [webhook({ event: 'login', name: 'n'.repeat(20_000), 'option.data': 'x'.repeat(30_000) }), 'at most 49152 bytes'],
      [
        webhook({
          event: 'login',
          conditions: { matcher_policy: Array.from({ length: 9 }, () => crypto.randomUUID()).join(',') },
        }),
        'at most 8 matcher policies',
      ],
    ];
    const first = await service.call('POST', '/event', { json: logging });
    for (const [params, message] of cases) {
      const before = service.completedWrites();
      expectPrivacyIdea400(await service.call('POST', '/event', { json: params }), message);
      expect(service.completedWrites()).toBe(before);
    }
    const next = await service.call('POST', '/event', { json: logging });
    expect(next.body.result.value).toBe(first.body.result.value + 1);
    // PATCH is held to the same limits.
    const patched = await service.call('PATCH', `/event/${next.body.result.value}`, { json: { event: names(33) } });
    expectPrivacyIdea400(patched, 'at most 32 event names');
  });

  it('a binding at every limit is stored, and a policy named twice is linked once', async () => {
    const policy = await service.call('POST', '/policies/event_matcher/', {
      json: { name: 'named twice', action: 'login' },
    });
    expect(policy.status, policy.text).toBe(201);
    const answer = await service.call('POST', '/event', {
      json: webhook({
        event: names(32),
        'option.data': 'x'.repeat(32 * 1024),
        conditions: { matcher_policy: `${policy.body.pk},${policy.body.pk}` },
      }),
    });
    expect(answer.status, answer.text).toBe(200);
    const read = await service.call('GET', `/event/${answer.body.result.value}`);
    expect(read.body.result.value[0].event).toHaveLength(32);
  });
});
