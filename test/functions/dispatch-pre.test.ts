// pre bindings inside POST /events/events/: they run before storage, in ordering order, after
// their conditions; a failure is skipped and recorded, or with abort_on_error refuses the event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postedByRoot } from '../helpers/events.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

async function bind(params: Record<string, unknown>): Promise<number> {
  const answer = await service.call('POST', '/event', { json: { position: 'pre', ...params } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value;
}

const mangle = (event: string, params: Record<string, unknown>) => ({
  name: `mangle ${event}`,
  event,
  handlermodule: 'RequestMangler',
  ...params,
});

async function ingest(event: Record<string, unknown>) {
  return service.call('POST', '/events/events/', { json: { app: 'tests', ...event } });
}

describe('pre bindings', () => {
  it('take paths no deeper than an event nests (issue 25 item 5): a deeper one is refused when saved, nothing stored', async () => {
    const deep = (keys: number) => `context${'.a'.repeat(keys)}`;
    for (const [action, option] of [
      ['set', 'option.parameter'],
      ['delete', 'option.parameter'],
      ['set', 'option.match_parameter'],
    ] as const) {
      const before = await service.digest();
      const params = { action, 'option.parameter': 'context.ok', 'option.value': 'v', 'option.match_pattern': '.*' };
      const answer = await service.call('POST', '/event', {
        json: { position: 'pre', ...mangle('custom_deep_path', { ...params, [option]: deep(15_000) }) },
      });
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body.result.error.message).toContain('at most 30 keys');
      expect(await service.digest()).toBe(before);
    }
    // Thirty keys still nest within the event's 32 levels: saved, and the event stored as set.
    await bind(mangle('custom_deep_path', { action: 'set', 'option.parameter': deep(30), 'option.value': 'v' }));
    const stored = await ingest({ action: 'custom_deep_path' });
    expect(stored.status, stored.text).toBe(201);
    let node = stored.body.context;
    for (let i = 0; i < 29; i++) node = node.a;
    expect(node).toEqual({ a: 'v' });
  });

  it('change the event before it is stored (RequestMangler delete and set)', async () => {
    await bind(mangle('custom_mangled', { action: 'delete', 'option.parameter': 'context.drop_me' }));
    await bind(
      mangle('custom_mangled', {
        action: 'set',
        'option.parameter': 'context.tier',
        'option.value': '{0}-gold',
        'option.match_parameter': 'user.username',
        'option.match_pattern': 'vip-(.*)',
      }),
    );
    const answer = await ingest({
      action: 'custom_mangled',
      user: { username: 'vip-carol' },
      context: { drop_me: 1, keep: 2 },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.context).toEqual({ keep: 2, tier: 'carol-gold', ...postedByRoot });
    const stored = await service.call('GET', `/events/events/${answer.body.pk}/`);
    expect(stored.body.context).toEqual({ keep: 2, tier: 'carol-gold', ...postedByRoot });
  });

  it('run once per Idempotency-Key: a retried request replays the reply without running them again', async () => {
    await bind({
      name: 'count idempotent',
      event: 'custom_counted_once',
      handlermodule: 'Counter',
      action: 'increase_counter',
      'option.counter_name': 'pre_once',
    });
    const send = () =>
      service.call('POST', '/events/events/', {
        json: { app: 'tests', action: 'custom_counted_once' },
        headers: { 'idempotency-key': 'retry-1' },
      });
    const first = await send();
    expect(first.status, first.text).toBe(201);
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.body.pk).toBe(first.body.pk);
    const counter = await service.call('GET', '/event/counters/pre_once');
    expect(counter.status, counter.text).toBe(200);
    expect(counter.body.result.value.counter_value).toBe(1);
  });

  it('run in ordering order, then id order', async () => {
    // Created in reverse: the binding with the higher ordering runs last and wins.
    await bind(
      mangle('custom_ordered', {
        action: 'set',
        ordering: 2,
        'option.parameter': 'context.step',
        'option.value': 'last',
      }),
    );
    await bind(
      mangle('custom_ordered', {
        action: 'set',
        ordering: 1,
        'option.parameter': 'context.step',
        'option.value': 'first',
      }),
    );
    await bind(
      mangle('custom_ordered', {
        action: 'set',
        ordering: 2,
        'option.parameter': 'context.tie',
        'option.value': 'lower id',
      }),
    );
    await bind(
      mangle('custom_ordered', {
        action: 'set',
        ordering: 2,
        'option.parameter': 'context.tie',
        'option.value': 'higher id',
      }),
    );
    const answer = await ingest({ action: 'custom_ordered' });
    expect(answer.body.context).toEqual({ step: 'last', tie: 'higher id', ...postedByRoot });
  });

  it('check their conditions first, and custom_ bindings act on every custom action', async () => {
    await bind(
      mangle('custom_', {
        action: 'set',
        'option.parameter': 'context.seen_by_custom',
        'option.value': 'yes',
        conditions: { app: 'gated-app' },
      }),
    );
    expect((await ingest({ action: 'custom_gate_a', app: 'other-app' })).body.context).toEqual(postedByRoot);
    expect((await ingest({ action: 'custom_gate_b', app: 'gated-app' })).body.context).toEqual({
      seen_by_custom: 'yes',
      ...postedByRoot,
    });
  });

  it('mask secrets a mangler sets, as any input', async () => {
    await bind(
      mangle('custom_secretive', { action: 'set', 'option.parameter': 'context.api_token', 'option.value': 'hunter2' }),
    );
    const answer = await ingest({ action: 'custom_secretive' });
    expect(answer.body.context.api_token).toBe('********************');
  });

  it('skip a failing handler, record it, and still run the next one', async () => {
    const failing = await bind(
      mangle('custom_half_broken', {
        action: 'set',
        ordering: 0,
        'option.parameter': 'client_ip',
        'option.value': 'not-an-ip',
      }),
    );
    await bind(
      mangle('custom_half_broken', {
        action: 'set',
        ordering: 1,
        'option.parameter': 'context.after',
        'option.value': 'ran',
      }),
    );
    const answer = await ingest({ action: 'custom_half_broken', client_ip: '192.0.2.1' });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ client_ip: '192.0.2.1', context: { after: 'ran' } });
    const listed = await service.call('GET', `/event/deliveries?event=${answer.body.pk}`);
    const byBinding = Object.fromEntries((listed.body.result.value as any[]).map((d) => [d.binding, d]));
    expect(byBinding[failing]).toMatchObject({ position: 'pre', status: 'failed', attempt: 1, next_attempt: null });
    expect(byBinding[failing].last_error).toContain('not an IP address');
    expect(Object.values(byBinding).filter((d: any) => d.status === 'succeeded')).toHaveLength(1);
  });

  it('with abort_on_error answer 400 naming the binding, and store nothing', async () => {
    await bind({ name: 'log it', event: 'custom_refused', handlermodule: 'Logging', action: 'logging', ordering: 0 });
    const id = await bind(
      mangle('custom_refused', {
        name: 'strict mangler',
        action: 'set',
        ordering: 1,
        abort_on_error: true,
        'option.parameter': 'client_ip',
        'option.value': 'not-an-ip',
      }),
    );
    const before = await service.digest();
    const answer = await ingest({ action: 'custom_refused' });
    expect(answer.status).toBe(400);
    expect(answer.body.non_field_errors).toHaveLength(1);
    expect(answer.body.non_field_errors[0]).toContain(
      `Pre handler 'strict mangler' (binding ${id}, RequestMangler set) failed:`,
    );
    expect(await service.digest()).toBe(before);
  });
});
