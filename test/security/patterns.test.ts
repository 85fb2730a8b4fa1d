// Red team, issue 13 item 1: no admin-supplied regular expression can hang the service. With
// JavaScript's backtracking RegExp, `(a+)+$` against forty `a`s and a `!` takes ~2^40 steps and
// blocked ingest, the gateway, /health and the stream poller for good. The gateway runs in this
// process, so a hang would stop this file: an answer arriving at all is the proof.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePattern } from '../../lib/patterns.ts';
import { eventually, type Service, startService } from '../helpers/service.ts';

const hostile = `${'a'.repeat(40)}!`;
const catastrophic = '(a+)+$';

let service: Service;
beforeAll(async () => {
  service = await startService({ dispatch: true });
});
afterAll(() => service?.close());

async function bind(params: Record<string, unknown>): Promise<number> {
  const answer = await service.call('POST', '/event', { json: { name: 'red team', ...params } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.result.value;
}

const countOn = (position: 'pre' | 'post', event: string, counter: string, conditions: Record<string, string>) =>
  bind({
    event,
    position,
    handlermodule: 'Counter',
    action: 'increase_counter',
    'option.counter_name': counter,
    conditions,
  });

async function ingest(event: Record<string, unknown>) {
  const answer = await service.call('POST', '/events/events/', { json: { app: 'tests', ...event } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string; context: Record<string, unknown> };
}

async function counterValue(name: string): Promise<number | undefined> {
  const answer = await service.call('GET', `/event/counters/${name}`);
  return answer.status === 200 ? answer.body.result.value.counter_value : undefined;
}

async function expectHealthy() {
  const health = await service.call('GET', '/health', { token: null });
  expect(health.status, health.text).toBe(200);
}

describe('a catastrophic pattern against a hostile value, through real HTTP', () => {
  it('pre binding, username condition: the ingest answers and /health still answers', async () => {
    await countOn('pre', 'login_failed', 'redos_pre_username', { username: catastrophic });
    await ingest({ action: 'login_failed', user: { username: hostile } });
    await expectHealthy();
    expect(await counterValue('redos_pre_username')).toBeUndefined();
    // The condition is still evaluated: a username it matches moves the counter.
    await ingest({ action: 'login_failed', user: { username: 'aaaa' } });
    expect(await counterValue('redos_pre_username')).toBe(1);
  });

  it('pre binding, context matches condition: the same', async () => {
    await countOn('pre', 'custom_redos_context', 'redos_pre_context', { context: `note matches ${catastrophic}` });
    await ingest({ action: 'custom_redos_context', context: { note: hostile } });
    await expectHealthy();
    await ingest({ action: 'custom_redos_context', context: { note: 'aaaa' } });
    expect(await counterValue('redos_pre_context')).toBe(1);
  });

  it("RequestMangler's match_pattern: the same, and it sets only on a whole match", async () => {
    await bind({
      event: 'custom_redos_mangled',
      position: 'pre',
      handlermodule: 'RequestMangler',
      action: 'set',
      'option.parameter': 'context.flag',
      'option.value': 'matched {0}',
      'option.match_parameter': 'user.username',
      'option.match_pattern': catastrophic,
    });
    const attacked = await ingest({ action: 'custom_redos_mangled', user: { username: hostile } });
    expect(attacked.context.flag).toBeUndefined();
    await expectHealthy();
    const matched = await ingest({ action: 'custom_redos_mangled', user: { username: 'aaaa' } });
    expect(matched.context.flag).toBe('matched aaaa');
  });

  it('post binding: the stream poller goes on to the events behind the hostile one', async () => {
    await countOn('post', 'custom_redos_post', 'redos_post', { username: catastrophic });
    await ingest({ action: 'custom_redos_post', user: { username: hostile } });
    await expectHealthy();
    await ingest({ action: 'custom_redos_post', user: { username: 'aaaa' } });
    expect(await eventually(() => counterValue('redos_post'))).toBe(1);
    await expectHealthy();
  });
});

describe('the pattern engine (lib/patterns.ts)', () => {
  // A hang guard, not a speed test: the bound is ~1000x what RE2 needs, and a backtracking
  // engine would not finish these in a lifetime.
  it.each([
    [catastrophic, hostile],
    [catastrophic, `${'a'.repeat(64 * 1024)}!`],
    ['(a|aa)+', `${'a'.repeat(64 * 1024)}!`],
    ['(a|a?)+b', 'a'.repeat(64 * 1024)],
    ['(.*a){12}', `${'a'.repeat(16 * 1024)}!`],
    ['^(\\w+\\s?)*$', `${'word '.repeat(8 * 1024)}!`],
    ['(x+x+)+y', 'x'.repeat(64 * 1024)],
  ])('%j against a hostile input finishes (hang guard)', async (source, input) => {
    const started = performance.now();
    const pattern = await compilePattern(source);
    expect(pattern.matchesWhole(input)).toBe(false);
    expect(pattern.wholeMatchGroups(input)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('refused at write time, nothing written', () => {
  const counter = {
    name: 'refused',
    event: 'login_failed',
    position: 'pre',
    handlermodule: 'Counter',
    action: 'increase_counter',
    'option.counter_name': 'never',
  };
  const mangler = {
    name: 'refused',
    event: 'custom_refused',
    position: 'pre',
    handlermodule: 'RequestMangler',
    action: 'set',
    'option.parameter': 'context.x',
    'option.value': 'v',
    'option.match_parameter': 'user.username',
  };
  const patterns: [string, string, RegExp][] = [
    ['a backreference', '(a)\\1', /invalid escape sequence: `\\1`/],
    ['a lookahead', '(?=a)a', /unsupported Perl syntax: `\(\?=`/],
    ['a lookbehind', '(?<=a)b', /invalid named capture/],
    ['an invalid pattern', '(a', /missing closing \)/],
  ];

  async function expectRefused(method: string, path: string, json: unknown, message: RegExp) {
    const before = await service.digest();
    const answer = await service.call(method, path, { json });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ jsonrpc: '2.0', result: { status: false, error: { code: 905 } } });
    expect(answer.body.result.error.message).toMatch(message);
    expect(answer.body.result.error.message).toMatch(/no backreferences, lookahead or lookbehind/);
    expect(await service.digest()).toBe(before);
  }

  it.each(patterns)('POST /event refuses %s in a username condition', async (_what, source, reason) => {
    await expectRefused(
      'POST',
      '/event',
      { ...counter, conditions: { username: source } },
      new RegExp(`^ERR905: conditions\\.username: is not a valid regular expression: .*${reason.source}`),
    );
  });

  it.each(patterns)('POST /event refuses %s in a context matches condition', async (_what, source, reason) => {
    await expectRefused(
      'POST',
      '/event',
      { ...counter, conditions: { context: `note matches ${source}` } },
      new RegExp(`^ERR905: conditions\\.context: has a regular expression that does not compile: .*${reason.source}`),
    );
  });

  it.each(patterns)('POST /event refuses %s as match_pattern', async (_what, source, reason) => {
    await expectRefused(
      'POST',
      '/event',
      { ...mangler, 'option.match_pattern': source },
      new RegExp(`^ERR905: option\\.match_pattern: must be a valid regular expression: .*${reason.source}`),
    );
  });

  it.each(patterns)('PATCH /event/{id} refuses %s and keeps the stored binding', async (_what, source, reason) => {
    const id = await bind({ ...mangler, 'option.match_pattern': 'a+', conditions: { username: 'a+' } });
    await expectRefused('PATCH', `/event/${id}`, { conditions: { username: source } }, reason);
    await expectRefused('PATCH', `/event/${id}`, { options: { match_pattern: source } }, reason);
    await expectRefused('PATCH', `/event/${id}`, { conditions: { context: `a matches ${source}` } }, reason);
    const stored = await service.call('GET', `/event/${id}`);
    expect(stored.body.result.value[0]).toMatchObject({
      options: { match_pattern: 'a+' },
      conditions: { username: 'a+' },
    });
  });

  it('refuses a pattern too large to run quickly', async () => {
    await expectRefused(
      'POST',
      '/event',
      { ...counter, conditions: { username: '[a-z]{1000}' } },
      /conditions\.username: .*instructions, more than 1000/,
    );
  });
});
