// The local runner on the bundles the stack deploys (LOCAL_BUNDLES_DIR): the code a bundle loads
// with import() (re2js here) comes from its chunks, in the save route, the ingest's pre bindings
// and the dispatcher's post bindings.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chunksDir } from '../../../infra/bundling.ts';
import { eventually, type Service, startService } from '../../helpers/service.ts';

const bundlesDir = mkdtempSync(join(tmpdir(), 'event-hub-bundles-'));
let service: Service;
beforeAll(async () => {
  process.env.LOCAL_BUNDLES_DIR = bundlesDir;
  service = await startService({ dispatch: true });
}, 120_000);
afterAll(async () => {
  await service.close();
  delete process.env.LOCAL_BUNDLES_DIR;
  rmSync(bundlesDir, { recursive: true, force: true });
});

async function bind(params: Record<string, unknown>) {
  return service.call('POST', '/event', { json: { name: `bundled ${params.handlermodule}`, ...params } });
}

it('refuses a pattern RE2 cannot compile, from the bundle of the save route', async () => {
  const answer = await bind({
    event: 'custom_bundled',
    handlermodule: 'Counter',
    action: 'increase_counter',
    position: 'post',
    'option.counter_name': 'never',
    conditions: { username: '(' },
  });
  expect(answer.status).toBe(400);
  expect(answer.body.result.error.message).toMatch(
    /conditions\.username: is not a valid regular expression: missing closing \)/,
  );
  expect(readdirSync(join(bundlesDir, 'bindings-save'))).toContain(chunksDir);
});

it('runs a pre binding with a pattern in the ingest bundle, and a post binding with one in the dispatcher bundle', async () => {
  const pre = await bind({
    event: 'custom_bundled',
    handlermodule: 'RequestMangler',
    action: 'set',
    position: 'pre',
    'option.parameter': 'context.tier',
    'option.value': '{0}-gold',
    'option.match_parameter': 'user.username',
    'option.match_pattern': 'vip-(.*)',
  });
  expect(pre.status, pre.text).toBe(200);
  const post = await bind({
    event: 'custom_bundled',
    handlermodule: 'Counter',
    action: 'increase_counter',
    position: 'post',
    'option.counter_name': 'bundled_vips',
    conditions: { username: 'vip-.*' },
  });
  expect(post.status, post.text).toBe(200);

  for (const username of ['vip-carol', 'dave', 'vip-erin']) {
    const answer = await service.call('POST', '/events/events/', {
      json: { app: 'tests', action: 'custom_bundled', user: { username } },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.context.tier).toBe(username.startsWith('vip-') ? `${username.slice(4)}-gold` : undefined);
  }
  const counter = await eventually(async () => {
    const answer = await service.call('GET', '/event/counters/bundled_vips');
    return answer.status === 200 && answer.body.result.value.counter_value === 2 ? answer.body.result.value : false;
  }, 60_000);
  expect(counter.counter_value).toBe(2);
  expect(readdirSync(bundlesDir).sort()).toEqual(
    expect.arrayContaining(['bindings-save', 'dispatcher', 'events-create']),
  );
}, 120_000);
