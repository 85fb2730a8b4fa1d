import { describe, expect, it } from 'vitest';
import { causeDepth, causedEvent } from '../../../lib/dispatch/cause.ts';
import { dispatchPost } from '../../../lib/dispatch/post.ts';
import { dispatchPre } from '../../../lib/dispatch/pre.ts';
import { replayDelivery, runDueDeliveries } from '../../../lib/dispatch/retry.ts';
import { DomainError } from '../../../lib/errors.ts';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import type { Runner } from '../../../lib/handlers/runners.ts';
import { binding, event, fakeDeps } from './fakes.ts';

const ok: Runner = async () => ({ notes: ['ok'] });
const failing =
  (error: Error): Runner =>
  async () => {
    throw error;
  };
const webhook = (runner: Runner) => ({ WebHook: { post_webhook: runner } });
const emfCounts = (lines: string[]) =>
  lines
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line))
    .map(({ module, succeeded, failed, dead }) => ({ module, succeeded, failed, dead }));

describe('post dispatch', () => {
  it('runs the bindings in ordering order and claims each run once, even when the record comes again', async () => {
    const order: number[] = [];
    const runner: Runner = async (b) => {
      order.push(b.id);
      return { notes: [] };
    };
    const { deps, stored } = fakeDeps({
      bindings: [binding({ id: 1, ordering: 5 }), binding({ id: 2, ordering: 0 }), binding({ id: 3, ordering: 5 })],
      runners: webhook(runner),
    });
    const first = await dispatchPost(deps, event());
    expect(order).toEqual([2, 1, 3]);
    expect(first.started).toHaveLength(3);
    expect((await dispatchPost(deps, event())).started).toEqual([]);
    expect(order).toEqual([2, 1, 3]);
    expect([...stored.values()].map((d) => [d.binding, d.status, d.attempt])).toEqual([
      [2, 'succeeded', 1],
      [1, 'succeeded', 1],
      [3, 'succeeded', 1],
    ]);
  });

  it('schedules a failed run with backoff and jitter, retries it, and lets it go dead after the last attempt', async () => {
    const { deps, stored, advance, lines } = fakeDeps({
      bindings: [binding()],
      runners: webhook(failing(new Error('HTTP 503'))),
      events: [event()],
    });
    await dispatchPost(deps, event());
    const [first] = stored.values();
    expect(first).toMatchObject({ status: 'failed', attempt: 1, last_error: 'HTTP 503' });
    // base 1000 ms, jitter adds up to 20 % (random() = 0.5 → 10 %)
    expect(Date.parse(first?.next_attempt as string) - Date.parse('2026-11-30T05:00:00.000Z')).toBe(1100);
    expect(await runDueDeliveries(deps)).toBe(0);
    advance(1100);
    expect(await runDueDeliveries(deps)).toBe(1);
    expect([...stored.values()][0]).toMatchObject({ status: 'failed', attempt: 2 });
    advance(2200);
    expect(await runDueDeliveries(deps)).toBe(1);
    expect([...stored.values()][0]).toMatchObject({ status: 'dead', attempt: 3, next_attempt: null });
    deps.metrics.flush();
    const [head, ...rest] = emfCounts(lines);
    const totals = { ...head };
    for (const line of rest) {
      totals.failed += line.failed;
      totals.dead += line.dead;
      totals.succeeded += line.succeeded;
    }
    expect(totals).toMatchObject({ module: 'WebHook', succeeded: 0, failed: 3, dead: 1 });
  });

  it('sends a permanent failure (bad configuration) straight to dead', async () => {
    const { deps, stored } = fakeDeps({
      bindings: [binding()],
      runners: webhook(failing(new PermanentFailure('URL refused'))),
    });
    await dispatchPost(deps, event());
    expect([...stored.values()][0]).toMatchObject({ status: 'dead', attempt: 1, last_error: 'URL refused' });
  });

  it('gives a run that never finished (its lease ran out) another attempt, and dead once none is left', async () => {
    const { deps, stored, advance } = fakeDeps({ bindings: [binding()], runners: webhook(ok) });
    const e = event();
    await deps.deliveries.claim({
      id: `${e.pk}.1.post_webhook`,
      event: e.pk,
      binding: 1,
      binding_name: 'x',
      handlermodule: 'WebHook',
      action: 'post_webhook',
      position: 'post',
      status: 'pending',
      attempt: 3,
      max_attempts: 3,
      last_error: null,
      next_attempt: '2026-11-30T05:00:01.000Z',
      notes: [],
      created: '2026-11-30T05:00:00.000Z',
      updated: '2026-11-30T05:00:00.000Z',
      rev: 0,
    });
    advance(1000);
    await runDueDeliveries(deps);
    expect([...stored.values()][0]).toMatchObject({ status: 'dead', last_error: 'the last run did not finish' });
    // A replay grants one more attempt; the event is gone, so that attempt ends dead too.
    const replayed = await replayDelivery(deps, `${e.pk}.1.post_webhook`);
    expect(replayed).toMatchObject({ status: 'pending', max_attempts: 4 });
    await runDueDeliveries(deps);
    expect([...stored.values()][0]).toMatchObject({
      status: 'dead',
      attempt: 4,
      last_error: expect.stringContaining('no longer exists'),
    });
  });

  it('stops retrying a delivery whose binding was disabled', async () => {
    const b = binding();
    const { deps, stored, advance } = fakeDeps({
      bindings: [b],
      runners: webhook(failing(new Error('down'))),
      events: [event()],
    });
    await dispatchPost(deps, event());
    b.active = false;
    advance(10_000);
    await runDueDeliveries(deps);
    expect([...stored.values()][0]).toMatchObject({ status: 'dead', last_error: 'binding 1 is disabled' });
  });

  it('refuses to replay what succeeded or ran in a request', async () => {
    const { deps } = fakeDeps({ bindings: [binding()], runners: webhook(ok) });
    await dispatchPost(deps, event());
    await expect(replayDelivery(deps, `${event().pk}.1.post_webhook`)).rejects.toThrow(/has succeeded/);
    await expect(replayDelivery(deps, `${event().pk}.9.post_webhook`)).rejects.toMatchObject({ code: 'notFound' });
  });
});

describe('loops', () => {
  it('records what handlers record with their cause, one step deeper', () => {
    const outside = event();
    const first = causedEvent({ action: 'email_sent', user: {}, context: {} }, outside, 'd1', new Date());
    const second = causedEvent({ action: 'email_sent', user: {}, context: {} }, first, 'd2', new Date());
    expect(first.context.cause).toEqual({ event: outside.pk, delivery: 'd1', depth: 1 });
    expect([causeDepth(outside), causeDepth(first), causeDepth(second)]).toEqual([0, 1, 2]);
    // Only the hub's own events carry a depth: an outside event cannot claim one.
    expect(causeDepth(event({ context: { cause: { depth: 3 } } }))).toBe(0);
  });

  it('stops a chain of handler-caused events at depth 3', async () => {
    let generation = 0;
    const recorder: Runner = async (_b, _e, context) => {
      generation++;
      await context.record({ action: 'custom_chain', user: {}, context: {} });
      return { notes: [] };
    };
    const { deps, recorded, linkReads } = fakeDeps({
      bindings: [binding({ event: ['custom_chain'] })],
      runners: webhook(recorder),
    });
    let next = event({ action: 'custom_chain' });
    for (let i = 0; i < 6 && next; i++) {
      await dispatchPost(deps, next);
      next = recorded[i] as typeof next;
    }
    expect(generation).toBe(3);
    expect(recorded.map(causeDepth)).toEqual([1, 2, 3]);
    // Three dispatches, each reading custom_chain and custom_ links; the depth-3 event reads none.
    expect(linkReads).toHaveLength(6);
  });

  it('logs policy executions for outside events only, never for the hub’s own', async () => {
    const policy = {
      pk: '3f2c1a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      name: 'net',
      execution_logging: true,
      action: null,
      client_ip: '192.0.2.0/24',
      app: null,
      model: null,
      query: null,
    };
    const { deps, recorded } = fakeDeps({
      bindings: [binding({ event: ['login_failed', 'policy_execution'], conditions: { matcher_policy: policy.pk } })],
      runners: webhook(ok),
      policies: [policy],
    });
    await dispatchPost(deps, event());
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      action: 'policy_execution',
      app: 'idp_event_hub',
      context: { policy_uuid: policy.pk, result: true, event_uuid: event().pk, cause: { event: event().pk, depth: 1 } },
    });
    await dispatchPost(deps, recorded[0] as never);
    expect(recorded).toHaveLength(1);
  });
});

describe('pre dispatch', () => {
  it('changes the event in order and writes the ledger only after the event is stored', async () => {
    const setter =
      (value: string): Runner =>
      async (_b, e) => ({ notes: [], event: { ...e, context: { ...e.context, step: value } } });
    const { deps, stored } = fakeDeps({
      bindings: [
        binding({ id: 1, position: 'pre', handlermodule: 'RequestMangler', action: 'set', ordering: 2 }),
        binding({ id: 2, position: 'pre', handlermodule: 'RequestMangler', action: 'set', ordering: 1 }),
      ],
      runners: {
        RequestMangler: {
          set: async (b, e, c) => setter(b.id === 1 ? 'second' : 'first')(b, e, c),
        },
      },
    });
    const result = await dispatchPre(deps, event());
    expect(result.event.context).toEqual({ step: 'second' });
    expect(stored.size).toBe(0);
    await result.afterStore();
    expect([...stored.values()].map((d) => [d.binding, d.status, d.position])).toEqual([
      [2, 'succeeded', 'pre'],
      [1, 'succeeded', 'pre'],
    ]);
  });

  it('aborts with the binding named when abort_on_error is set, having written nothing', async () => {
    const { deps, stored, recorded } = fakeDeps({
      bindings: [
        binding({
          id: 7,
          name: 'strict',
          position: 'pre',
          abort_on_error: true,
          handlermodule: 'Logging',
          action: 'logging',
        }),
      ],
      runners: { Logging: { logging: failing(new Error('disk full')) } },
    });
    const error = await dispatchPre(deps, event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe("Pre handler 'strict' (binding 7, Logging logging) failed: disk full");
    expect(stored.size + recorded.length).toBe(0);
  });
});
