// Detection rules on the live path (issue 22 items 2, 3 and 8), end to end: events ingested through
// POST /events/events/, DynamoDB Local's stream read by the local poller, the dispatcher counting
// them by every enabled rule; the fire found as an event like any other (list, search, a WebHook
// binding on it, a matcher policy), never counted by a rule; 16 clients at once; a rule edited,
// disabled and enabled mid-window.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Service, startService } from '../helpers/service.ts';

// A rule change applies to the next batch (1 s in production, RULE_CACHE_MS).
process.env.RULE_CACHE_MS = '0';

let service: Service;
let sink: { url: string; bodies: any[]; close(): Promise<void> };
let states: typeof import('../../lib/store/rule-states.ts').ruleStateStore;
let groupHash: typeof import('../../lib/rules/live.ts').groupHash;

function startSink(): Promise<typeof sink> {
  const bodies: any[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString()));
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        bodies,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

beforeAll(async () => {
  sink = await startSink();
  service = await startService({ dispatch: true });
  states = (await import('../../lib/store/rule-states.ts')).ruleStateStore;
  groupHash = (await import('../../lib/rules/live.ts')).groupHash;
});
afterAll(async () => {
  await service?.close();
  await sink?.close();
});

/** A fresh app name: each test's events and rules are its own. */
const appOf = () => `live-${randomUUID().slice(0, 8)}`;

async function createRule(body: Record<string, unknown>) {
  const answer = await service.call('POST', '/rules/', {
    json: { name: `rule ${randomUUID()}`, type: 'event_count', window: 600, ...body },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string; name: string } & Record<string, any>;
}

async function patchRule(pk: string, json: Record<string, unknown>) {
  const answer = await service.call('PATCH', `/rules/${pk}/`, { json });
  expect(answer.status, answer.text).toBe(200);
}

async function ingest(event: Record<string, unknown>) {
  const answer = await service.call('POST', '/events/events/', { json: event });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { pk: string } & Record<string, any>;
}

/** The fires of a rule, oldest first, as the event list answers them. */
async function firesOf(rule: string): Promise<any[]> {
  const answer = await service.call(
    'GET',
    '/events/events/?action=custom_threshold_exceeded&page_size=100&ordering=created',
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body.results.filter((event: any) => event.context.rule?.pk === rule);
}

/** Waits until the group's state has counted `count` events since its last fire. */
async function counted(rule: string, group: unknown[], count: number) {
  await eventually(async () => (await states.get(rule, groupHash(group)))?.window.entries.length === count);
}

describe('a fire', () => {
  it('records one event as the issue says: action, app, user and client_ip of the group, the context', async () => {
    const app = appOf();
    const rule = await createRule({
      query: `action = "login_failed" and app = "${app}"`,
      group_by: ['user.username', 'client_ip'],
      threshold: 3,
      suppress_for: 3600,
      severity: 'alert',
    });
    const failed = () => ingest({ action: 'login_failed', app, user: { username: 'ana' }, client_ip: '192.0.2.9' });
    const events = [await failed(), await failed()];
    await ingest({ action: 'login_failed', app, user: { username: 'bob' }, client_ip: '192.0.2.9' });
    events.push(await failed());
    const [fire, ...more] = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length > 0 && found;
    });
    expect(more).toEqual([]);
    expect(fire).toMatchObject({
      action: 'custom_threshold_exceeded',
      app: 'idp-event-hub.rules',
      user: { username: 'ana' },
      client_ip: '192.0.2.9',
      context: {
        rule: { pk: rule.pk, name: rule.name, severity: 'alert' },
        group: { 'user.username': 'ana', client_ip: '192.0.2.9' },
        count: 3,
        window_end: events[2]?.created,
        window_start: new Date(Date.parse(events[2]?.created) - 600_000).toISOString(),
        first_event: events[0]?.pk,
        last_event: events[2]?.pk,
        sample_events: events.map((event) => event.pk),
        provenance: { ingested_by: { rule: rule.pk }, attested: true },
      },
    });
    // Two more of ana's while the group is quiet: no second fire.
    await failed();
    await failed();
    await counted(rule.pk, ['ana', '192.0.2.9'], 2);
    expect(await firesOf(rule.pk)).toHaveLength(1);
  });

  it('flows like any event: found by search, sent by a WebHook binding on its action, passed by a matcher', async () => {
    const app = appOf();
    const hook = await service.call('POST', '/event', {
      json: {
        name: `hook ${app}`,
        handlermodule: 'WebHook',
        action: 'post_webhook',
        event: 'custom_threshold_exceeded',
        position: 'post',
        'option.URL': `${sink.url}/${app}`,
        'option.content_type': 'application/json',
      },
    });
    expect(hook.status, hook.text).toBe(200);
    const rule = await createRule({ query: `app = "${app}"`, threshold: 2 });
    await ingest({ action: 'custom_probe', app });
    await ingest({ action: 'custom_probe', app });
    const [fire] = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length > 0 && found;
    });
    const search = await service.call(
      'GET',
      `/events/events/?search=${encodeURIComponent(`action = "custom_threshold_exceeded" and context.rule.pk = "${rule.pk}"`)}`,
    );
    expect(search.status, search.text).toBe(200);
    expect(search.body.results.map((event: any) => event.pk)).toEqual([fire.pk]);
    await eventually(async () => sink.bodies.some((body) => body.pk === fire.pk));
    const policy = await service.call('POST', '/policies/event_matcher/', {
      json: { name: `fires ${app}`, action: 'custom_threshold_exceeded', app: 'idp-event-hub.rules' },
    });
    expect(policy.status, policy.text).toBe(201);
    const test = await service.call('POST', `/policies/event_matcher/${policy.body.pk}/test/`, {
      json: { event_uuid: fire.pk },
    });
    expect(test.body).toMatchObject({ passing: true });
  });

  it('is never counted by a rule, whatever its query: no loop', async () => {
    const app = appOf();
    const rule = await createRule({ query: `app = "${app}"`, threshold: 1 });
    // Counts every fire there is, if it counted fires at all.
    const fires = await createRule({ query: 'action = "custom_threshold_exceeded"', threshold: 1 });
    await ingest({ action: 'custom_probe', app });
    await ingest({ action: 'custom_probe', app });
    await eventually(async () => (await firesOf(rule.pk)).length === 2);
    // The two fires went through the stream too (their states would exist by now if counted).
    const marker = await ingest({ action: 'custom_probe', app });
    await eventually(async () => (await firesOf(rule.pk)).some((fire) => fire.context.last_event === marker.pk));
    expect(await firesOf(fires.pk)).toEqual([]);
    expect(await states.get(fires.pk, groupHash([]))).toBeNull();
  });
});

describe('value_count live (Sigma: distinct targets per source)', () => {
  it('fires when one address has tried the threshold of distinct usernames; repeats of a username do not count twice', async () => {
    const app = appOf();
    const rule = await createRule({
      query: `action = "login_failed" and app = "${app}"`,
      type: 'value_count',
      field: 'user.username',
      group_by: ['client_ip'],
      threshold: 4,
      window: 600,
    });
    const failed = (username: string, client_ip: string) =>
      ingest({ action: 'login_failed', app, user: { username }, client_ip });
    // One address, one account tried many times: one distinct value, never a fire.
    for (let i = 0; i < 5; i++) await failed('carol', '192.0.2.61');
    // Another tries a, b, a, c, then d: the fourth distinct username crosses.
    const sprayed = [];
    for (const username of ['a', 'b', 'a', 'c', 'd']) sprayed.push(await failed(username, '192.0.2.60'));
    const [fire, ...more] = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length > 0 && found;
    });
    expect(more).toEqual([]);
    expect(fire).toMatchObject({
      client_ip: '192.0.2.60',
      context: {
        group: { client_ip: '192.0.2.60' },
        count: 4,
        last_event: sprayed[4]?.pk,
        window_end: sprayed[4]?.created,
      },
    });
    // The single-account address has counted its one value five times and never fired.
    await counted(rule.pk, ['192.0.2.61'], 5);
    expect(await firesOf(rule.pk)).toHaveLength(1);
  });
});

describe('16 clients at once', () => {
  it('fire exactly once per crossing: 64 events of one group, threshold 32, two fires of 32', async () => {
    const app = appOf();
    const rule = await createRule({ query: `app = "${app}"`, group_by: ['user.username'], threshold: 32 });
    const sent = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const pks: string[] = [];
        for (let i = 0; i < 4; i++)
          pks.push((await ingest({ action: 'login_failed', app, user: { username: 'target' } })).pk);
        return pks;
      }),
    );
    const fires = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length >= 2 && found;
    });
    // Every event counted once: the state is empty again after the second fire, and no third.
    await counted(rule.pk, ['target'], 0);
    expect((await firesOf(rule.pk)).length).toBe(2);
    expect(fires.map((fire) => fire.context.count)).toEqual([32, 32]);
    const samples = new Set(fires.flatMap((fire) => [fire.context.first_event, fire.context.last_event]));
    expect([...samples].every((pk) => sent.flat().includes(pk))).toBe(true);
  });
});

describe('a rule changed mid-window', () => {
  const failed = (app: string) => ingest({ action: 'login_failed', app, user: { username: 'eve' } });

  it('disabled: counts nothing meanwhile; enabled again, what it counted before still counts in the window', async () => {
    const app = appOf();
    const rule = await createRule({ query: `app = "${app}"`, group_by: ['user.username'], threshold: 3 });
    // Counts the same events and stays enabled: once it has counted 4, the dispatcher saw them all.
    const probe = await createRule({ query: `app = "${app}"`, group_by: ['user.username'], threshold: 100 });
    const before = [await failed(app), await failed(app)];
    await counted(rule.pk, ['eve'], 2);
    await patchRule(rule.pk, { enabled: false });
    await failed(app);
    await failed(app);
    await counted(probe.pk, ['eve'], 4);
    await patchRule(rule.pk, { enabled: true });
    const after = await failed(app);
    const [fire] = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length > 0 && found;
    });
    // The two counted before it was disabled, and the one after: none of the disabled time.
    expect(fire.context.first_event).toBe(before[0]?.pk);
    expect(fire.context.sample_events).toEqual([before[0]?.pk, before[1]?.pk, after.pk]);
  });

  it('edited (threshold): its groups start empty; only events after the edit count', async () => {
    const app = appOf();
    const rule = await createRule({ query: `app = "${app}"`, group_by: ['user.username'], threshold: 3 });
    await failed(app);
    await failed(app);
    await counted(rule.pk, ['eve'], 2);
    await patchRule(rule.pk, { threshold: 4 });
    const after = [await failed(app), await failed(app), await failed(app)];
    await counted(rule.pk, ['eve'], 3);
    expect(await firesOf(rule.pk)).toEqual([]);
    after.push(await failed(app));
    const [fire] = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length > 0 && found;
    });
    expect(fire.context).toMatchObject({ count: 4, sample_events: after.map((event) => event.pk) });
  });

  it('renamed or another severity: its groups keep what they counted; the fire names the rule as it is now', async () => {
    const app = appOf();
    const rule = await createRule({ query: `app = "${app}"`, group_by: ['user.username'], threshold: 3 });
    await failed(app);
    await failed(app);
    await counted(rule.pk, ['eve'], 2);
    await patchRule(rule.pk, { name: `renamed ${app}`, severity: 'notice' });
    await failed(app);
    const [fire] = await eventually(async () => {
      const found = await firesOf(rule.pk);
      return found.length > 0 && found;
    });
    expect(fire.context).toMatchObject({ count: 3, rule: { name: `renamed ${app}`, severity: 'notice' } });
  });
});
