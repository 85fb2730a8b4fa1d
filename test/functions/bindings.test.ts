import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/privacyidea.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const webhook = {
  name: 'hook on failed login',
  event: 'login_failed',
  handlermodule: 'WebHook',
  action: 'post_webhook',
  'option.URL': 'https://hooks.example/in',
  'option.content_type': 'application/json',
};

async function create(params: Record<string, unknown>, as: 'json' | 'form' = 'json') {
  const answer =
    as === 'json'
      ? await service.call('POST', '/event', { json: params })
      : await service.call('POST', '/event', { form: params as Record<string, string> });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.result.value as number;
}

async function read(id: number) {
  const answer = await service.call('GET', `/event/${id}`);
  expect(answer.status).toBe(200);
  return answer.body.result.value[0];
}

describe('envelope', () => {
  it('wraps success in the privacyIDEA envelope', async () => {
    const answer = await service.call('GET', '/event/available');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['jsonrpc', 'result', 'version', 'versionnumber', 'id', 'time']);
    expect(answer.body.jsonrpc).toBe('2.0');
    expect(answer.body.result.status).toBe(true);
    expect(answer.body.version).toBe(`idp-event-hub ${answer.body.versionnumber}`);
    expect(answer.body.id).toBe(1);
    expect(Math.abs(answer.body.time - Date.now() / 1000)).toBeLessThan(60);
    expect(answer.body.signature).toBeUndefined();
  });

  it('redirects GET /event to /event/ with 308', async () => {
    const answer = await service.call('GET', '/event');
    expect(answer.status).toBe(308);
    expect(answer.headers.get('location')).toBe('/event/');
  });
});

describe('introspection', () => {
  it('lists the available events: the authentik actions', async () => {
    const value = (await service.call('GET', '/event/available')).body.result.value;
    expect(value[0]).toBe('login');
    expect(value).toContain('login_failed');
    expect(value.at(-1)).toBe('custom_');
    expect(value).toHaveLength(27);
  });

  it('lists the handler modules', async () => {
    expect((await service.call('GET', '/event/handlermodules')).body.result.value).toEqual([
      'UserNotification',
      'WebHook',
      'Counter',
      'Logging',
      'RequestMangler',
    ]);
  });

  it.each([
    ['UserNotification', ['post']],
    ['WebHook', ['post']],
    ['Counter', ['pre', 'post']],
    ['Logging', ['pre', 'post']],
    ['RequestMangler', ['pre']],
    ['Nope', []],
  ])('positions of %s', async (module, positions) => {
    expect((await service.call('GET', `/event/positions/${module}`)).body.result.value).toEqual(positions);
  });

  it('describes actions and options, without internal fields', async () => {
    const value = (await service.call('GET', '/event/actions/UserNotification')).body.result.value;
    expect(Object.keys(value)).toEqual(['sendmail']);
    expect(value.sendmail.To).toEqual({
      type: 'str',
      required: true,
      description: expect.any(String),
      value: ['event_user', 'email'],
    });
    expect(value.sendmail['To email'].requiredWhen).toBeUndefined();
    const counter = (await service.call('GET', '/event/actions/Counter')).body.result.value;
    expect(Object.keys(counter)).toEqual(['increase_counter', 'decrease_counter', 'reset_counter']);
    expect(counter.decrease_counter.allow_negative_values.type).toBe('bool');
    const mangler = (await service.call('GET', '/event/actions/RequestMangler')).body.result.value;
    expect(Object.keys(mangler.set)).toEqual(['parameter', 'value', 'match_parameter', 'match_pattern']);
    expect((await service.call('GET', '/event/actions/Nope')).body.result.value).toEqual([]);
  });

  it('describes the shared conditions', async () => {
    const value = (await service.call('GET', '/event/conditions/WebHook')).body.result.value;
    expect(Object.keys(value)).toEqual([
      'client_ip',
      'app',
      'model',
      'username',
      'brand',
      'context',
      'matcher_policy',
      'counter',
      'query',
    ]);
    expect(value.query).toMatchObject({ type: 'str', group: 'event' });
    expect(value.client_ip).toMatchObject({ type: 'str', group: 'general' });
    expect(value.username).toMatchObject({ type: 'regexp', group: 'user' });
    expect(value.app).toMatchObject({ type: 'multi', group: 'event' });
    expect((await service.call('GET', '/event/conditions/Logging')).body.result.value).toEqual(value);
    expect((await service.call('GET', '/event/conditions/Nope')).body.result.value).toEqual([]);
  });
});

describe('POST /event', () => {
  it('creates with JSON, form and query parameters alike and answers 200 with the id', async () => {
    const fromJson = await create({ ...webhook, conditions: { client_ip: '!10.0.0.0/8' } });
    const fromForm = await create({ ...webhook, conditions: JSON.stringify({ app: 'a,b' }) }, 'form');
    const query = new URLSearchParams({ ...webhook, name: 'from query' }).toString();
    const fromQuery = await service.call('POST', `/event?${query}`);
    expect(fromQuery.status).toBe(200);
    expect(fromForm).toBeGreaterThan(fromJson);
    expect(fromQuery.body.result.value).toBeGreaterThan(fromForm);
    expect(await read(fromForm)).toMatchObject({ conditions: { app: 'a,b' } });
  });

  it('stores the twelve keys, with defaults, event as a list and flat string options', async () => {
    const id = await create({ ...webhook, event: 'login_failed, login', 'option.replace': true });
    expect(await read(id)).toEqual({
      id,
      name: webhook.name,
      active: true,
      ordering: 0,
      position: 'post',
      abort_on_error: false,
      action: 'post_webhook',
      condition: '',
      event: ['login_failed', 'login'],
      handlermodule: 'WebHook',
      options: { URL: webhook['option.URL'], content_type: 'application/json', replace: 'true' },
      conditions: {},
    });
  });

  it('accepts a JSON list of events, JSON-encoded lists and custom_ names', async () => {
    const id = await create({ ...webhook, event: ['custom_', 'custom_password_expired', 'login'] });
    expect((await read(id)).event).toEqual(['custom_', 'custom_password_expired', 'login']);
    const encoded = await create({ ...webhook, event: '["logout"]' }, 'form');
    expect((await read(encoded)).event).toEqual(['logout']);
  });

  it('ignores a nested options object and the legacy condition', async () => {
    const id = await create({ ...webhook, options: { URL: 'https://ignored.example' }, condition: 'legacy' });
    expect((await read(id)).options.URL).toBe(webhook['option.URL']);
  });

  it('updates non-partially: omitted fields fall back, options and conditions are replaced', async () => {
    const id = await create({
      ...webhook,
      ordering: 4,
      active: false,
      abort_on_error: true,
      'option.replace': '1',
      conditions: { app: 'x' },
    });
    await create({ id, ...webhook, name: 'renamed' });
    const updated = await read(id);
    expect(updated).toMatchObject({
      name: 'renamed',
      ordering: 0,
      active: true,
      position: 'post',
      abort_on_error: true,
    });
    expect(updated.options).toEqual({ URL: webhook['option.URL'], content_type: 'application/json' });
    expect(updated.conditions).toEqual({});
  });

  it('creates a binding with a given id that does not exist, and later ids stay above it', async () => {
    expect(await create({ id: 500, ...webhook })).toBe(500);
    expect((await read(500)).name).toBe(webhook.name);
    expect(await create(webhook)).toBeGreaterThan(500);
  });

  it('hides the webhook secret and keeps it when __HIDDEN__ is sent back', async () => {
    const id = await create({ ...webhook, 'option.secret': 'whsec-top-secret' });
    const shown = await read(id);
    expect(shown.options.secret).toBe('__HIDDEN__');
    expect(JSON.stringify((await service.call('GET', '/event/')).body)).not.toContain('whsec-top-secret');
    await create({ id, ...webhook, 'option.secret': '__HIDDEN__' });
    // Still set: a secret that was dropped would no longer show as hidden.
    expect((await read(id)).options.secret).toBe('__HIDDEN__');
    await create({ id, ...webhook });
    expect((await read(id)).options.secret).toBeUndefined();
  });

  it('assigns distinct increasing ids under 20 concurrent creates', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create({ ...webhook, name: `concurrent ${i}` })),
    );
    expect(new Set(ids).size).toBe(20);
    const listed = (await service.call('GET', '/event/')).body.result.value.map((b: { id: number }) => b.id);
    for (const id of ids) expect(listed).toContain(id);
  });

  const missing: [string, Record<string, unknown>, string][] = [
    ['name', { ...webhook, name: undefined }, 'name'],
    ['empty name', { ...webhook, name: '' }, 'name'],
    ['event (checked after name)', { ...webhook, event: undefined, handlermodule: undefined }, 'event'],
    ['handlermodule', { ...webhook, handlermodule: undefined, action: undefined }, 'handlermodule'],
    ['action', { ...webhook, action: '' }, 'action'],
  ];
  it.each(missing)('refuses a missing %s with ERR905', async (_name, params, parameter) => {
    const before = service.completedWrites();
    expectError(
      await service.call('POST', '/event', { json: params }),
      400,
      905,
      `ERR905: Missing parameter: ${parameter}`,
    );
    expect(service.completedWrites()).toBe(before);
  });

  const invalid: [string, Record<string, unknown>, string | RegExp][] = [
    ['an unknown module', { ...webhook, handlermodule: 'Foo' }, 'ERR905: Unknown handler module: Foo'],
    [
      'conditions as a list',
      { ...webhook, conditions: ['a'] },
      "ERR905: The 'conditions' parameter must be a dictionary.",
    ],
    [
      'conditions as bad JSON',
      { ...webhook, conditions: '{nope' },
      "ERR905: The 'conditions' parameter must be a dictionary.",
    ],
    [
      'an action the module lacks',
      { ...webhook, action: 'sendmail' },
      /^ERR905: action: 'sendmail' is not an action of WebHook/,
    ],
    [
      'a position the module forbids',
      { ...webhook, position: 'pre' },
      /^ERR905: position: 'pre' is not allowed for WebHook/,
    ],
    ['an unknown position', { ...webhook, position: 'sideways' }, /^ERR905: position: 'sideways'/],
    ['a negative ordering', { ...webhook, ordering: -1 }, /^ERR905: ordering: '-1'/],
    ['a fractional ordering', { ...webhook, ordering: '1.5' }, /^ERR905: ordering: '1.5'/],
    ['an overflowing ordering', { ...webhook, ordering: '99999999999999999999' }, /^ERR905: ordering:/],
    ['a text ordering', { ...webhook, ordering: 'first' }, /^ERR905: ordering: 'first'/],
    ['an unknown event', { ...webhook, event: 'login,logon' }, /^ERR905: event: 'logon' is not an available event/],
    [
      'a custom event name over 128 characters',
      { ...webhook, event: `custom_${'e'.repeat(3000)}` },
      /^ERR905: event: 'custom_e+' is not an available event/,
    ],
    ['an empty event list', { ...webhook, event: [] }, /^ERR905: (Missing parameter: event|event:)/],
    ['a bad boolean', { ...webhook, active: 'yes' }, /^ERR905: active: 'yes' is not a boolean/],
    ['a bad abort_on_error', { ...webhook, abort_on_error: 'maybe' }, /^ERR905: abort_on_error: 'maybe'/],
    ['a missing required option', { ...webhook, 'option.URL': undefined }, /^ERR905: option\.URL: required/],
    ['a bad URL', { ...webhook, 'option.URL': 'ftp://x' }, /^ERR905: option\.URL: must be an http or https URL/],
    [
      'a bad choice option',
      { ...webhook, 'option.content_type': 'text/xml' },
      /^ERR905: option\.content_type: 'text\/xml' is not one of/,
    ],
    [
      'a bad boolean option',
      { ...webhook, 'option.replace': 'sometimes' },
      /^ERR905: option\.replace: 'sometimes' is not a boolean/,
    ],
    ['an unknown option', { ...webhook, 'option.colour': 'red' }, /^ERR905: option\.colour: not an option of WebHook/],
    [
      'an unknown condition',
      { ...webhook, conditions: { weather: 'rain' } },
      /^ERR905: conditions\.weather: unknown condition/,
    ],
    [
      'a bad CIDR',
      { ...webhook, conditions: { client_ip: '10.0.0.0/33' } },
      /^ERR905: conditions\.client_ip: '10\.0\.0\.0\/33'/,
    ],
    [
      'a bad regex',
      { ...webhook, conditions: { username: '(' } },
      /^ERR905: conditions\.username: is not a valid regular expression/,
    ],
    ['a bad comparison', { ...webhook, conditions: { context: 'a.b ~ 3' } }, /^ERR905: conditions\.context: must be/],
    ['a bad model', { ...webhook, conditions: { model: 'nodot' } }, /^ERR905: conditions\.model: 'nodot'/],
    [
      'a bad counter condition',
      { ...webhook, conditions: { counter: 'c > many' } },
      /^ERR905: conditions\.counter: must be/,
    ],
    [
      'a non-UUID matcher policy',
      { ...webhook, conditions: { matcher_policy: 'abc' } },
      /^ERR905: conditions\.matcher_policy: 'abc' is not a UUID/,
    ],
    [
      'an unknown matcher policy',
      { ...webhook, conditions: { matcher_policy: '6f1e7a52-8a84-4f7e-9a35-7f1f3c2a9b10' } },
      /^ERR905: conditions\.matcher_policy: no event matcher policy/,
    ],
    [
      'a nested condition value',
      { ...webhook, conditions: { app: ['a'] } },
      /^ERR905: conditions: 'app' must be a string/,
    ],
    ['an object option', { ...webhook, 'option.URL': { a: 1 } }, /^ERR905: option\.URL: must be a string/],
    ['a non-numeric id', { ...webhook, id: 'abc' }, /^ERR905: id: 'abc'/],
    ['an id of 0', { ...webhook, id: 0 }, /^ERR905: id: '0'/],
    ['an unknown parameter', { ...webhook, colour: 'red' }, 'ERR905: Unknown parameter: colour'],
    [
      'To email missing when To is email',
      {
        ...webhook,
        handlermodule: 'UserNotification',
        action: 'sendmail',
        'option.URL': undefined,
        'option.content_type': undefined,
        'option.To': 'email',
      },
      /^ERR905: option\.To email: required/,
    ],
  ];
  it.each(invalid)(
    'refuses %s with 400/905, naming the parameter, and writes nothing',
    async (_name, params, message) => {
      const before = service.completedWrites();
      const answer = await service.call('POST', '/event', { json: params });
      expect(answer.status).toBe(400);
      expect(answer.body.result.error.code).toBe(905);
      if (typeof message === 'string') expect(answer.body.result.error.message).toBe(message);
      else expect(answer.body.result.error.message).toMatch(message);
      expect(service.completedWrites()).toBe(before);
    },
  );

  it('refuses malformed JSON and a non-object body with 400/905', async () => {
    const before = service.completedWrites();
    const malformed = await service.call('POST', '/event', { raw: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.result.error.message).toMatch(/^ERR905: JSON parse error/);
    const twice = await service.call('POST', '/event', {
      raw: `${JSON.stringify(webhook).slice(0, -1)},"name":"other"}`,
    });
    expect(twice.status).toBe(400);
    expect(twice.body.result.error.message).toBe('ERR905: JSON parse error - duplicate key "name"');
    expect((await service.call('POST', '/event', { json: [webhook] })).body.result.error.code).toBe(905);
    expect((await service.call('POST', '/event', { raw: 'x'.repeat(70_000) })).status).toBe(413);
    expect(service.completedWrites()).toBe(before);
  });

  it('refuses an update that would break a binding and keeps the stored one', async () => {
    const id = await create(webhook);
    const before = service.completedWrites();
    const answer = await service.call('POST', '/event', { json: { id, ...webhook, action: 'sendmail' } });
    expect(answer.status).toBe(400);
    expect(service.completedWrites()).toBe(before);
    expect((await read(id)).action).toBe('post_webhook');
  });
});

describe('reading', () => {
  it('lists all bindings by ordering, then id', async () => {
    const late = await create({ ...webhook, name: 'late', ordering: 7 });
    const early = await create({ ...webhook, name: 'early', ordering: 1 });
    const list = (await service.call('GET', '/event/')).body.result.value as { id: number; ordering: number }[];
    const sorted = [...list].sort((a, b) => a.ordering - b.ordering || a.id - b.id);
    expect(list).toEqual(sorted);
    expect(list.findIndex((b) => b.id === early)).toBeLessThan(list.findIndex((b) => b.id === late));
  });

  it('answers a list with one binding, [] for an unknown id, 400/905 for a non-numeric one', async () => {
    const id = await create(webhook);
    const one = await service.call('GET', `/event/${id}`);
    expect(one.body.result.value).toHaveLength(1);
    expect(one.headers.get('etag')).toMatch(/^"\d+"$/);
    expect((await service.call('GET', '/event/999999')).body.result.value).toEqual([]);
    expectError(
      await service.call('GET', '/event/abc'),
      400,
      905,
      "ERR905: eventid: 'abc' must be an integer from 1 to 9007199254740991",
    );
    expect((await service.call('GET', '/event/-3')).status).toBe(400);
  });
});

describe('enable, disable, delete', () => {
  it('disables and enables idempotently, answering the id', async () => {
    const id = await create(webhook);
    for (const [verb, active] of [
      ['disable', false],
      ['disable', false],
      ['enable', true],
      ['enable', true],
    ] as const) {
      const answer = await service.call('POST', `/event/${verb}/${id}`);
      expect(answer.status).toBe(200);
      expect(answer.body.result.value).toBe(id);
      expect((await read(id)).active).toBe(active);
    }
  });

  it('deletes and answers the id; unknown ids are 404/601', async () => {
    const id = await create(webhook);
    expect((await service.call('DELETE', `/event/${id}`)).body.result.value).toBe(id);
    expect((await service.call('GET', `/event/${id}`)).body.result.value).toEqual([]);
    for (const [method, path] of [
      ['DELETE', `/event/${id}`],
      ['POST', `/event/enable/${id}`],
      ['POST', `/event/disable/${id}`],
    ] as const) {
      expectError(await service.call(method, path), 404, 601, 'The requested EventHandler could not be found.');
    }
    expect((await service.call('DELETE', '/event/x1')).status).toBe(400);
  });
});

describe('PATCH /event/{eventid}', () => {
  it('changes only the given fields, merging options and conditions key by key', async () => {
    const id = await create({
      ...webhook,
      ordering: 3,
      conditions: { app: 'a', brand: 'b' },
      'option.replace': 'true',
    });
    const answer = await service.call('PATCH', `/event/${id}`, {
      json: {
        name: 'patched',
        options: { replace: null, data: '{"a":"{action}"}' },
        conditions: { brand: null, username: 'adm.*' },
      },
    });
    expect(answer.status).toBe(200);
    expect(await read(id)).toMatchObject({
      name: 'patched',
      ordering: 3,
      options: { URL: webhook['option.URL'], content_type: 'application/json', data: '{"a":"{action}"}' },
      conditions: { app: 'a', username: 'adm.*' },
    });
  });

  it('answers 412 on a stale If-Match and changes nothing', async () => {
    const id = await create(webhook);
    const etag = (await service.call('GET', `/event/${id}`)).headers.get('etag') as string;
    const first = await service.call('PATCH', `/event/${id}`, { json: { ordering: 2 }, headers: { 'if-match': etag } });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).not.toBe(etag);
    const before = service.completedWrites();
    const stale = await service.call('PATCH', `/event/${id}`, { json: { ordering: 9 }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.result.error.code).toBe(412);
    expect(service.completedWrites()).toBe(before);
    expect((await read(id)).ordering).toBe(2);
  });

  it('keeps every one of 18 concurrent patches, each to a different field', async () => {
    const notify = {
      name: 'notify',
      event: 'login',
      handlermodule: 'UserNotification',
      action: 'sendmail',
      'option.To': 'email',
      'option.To email': 'sec@example.com',
    };
    const id = await create(notify);
    const options = {
      To: 'email',
      'To email': 'ops@example.com',
      subject: 's',
      body: 'b',
      mimetype: 'html',
      reply_to: 'r@example.com',
    };
    const conditions = {
      client_ip: '10.0.0.0/8',
      app: 'a',
      model: 'x.y',
      username: 'u.*',
      brand: 'b',
      context: 'k == 1',
      counter: 'c < 5',
    };
    const fields = {
      name: 'many hands',
      ordering: 11,
      abort_on_error: true,
      active: false,
      event: ['login', 'logout'],
    };
    const patches = [
      ...Object.entries(options).map(([key, value]) => ({ options: { [key]: value } })),
      ...Object.entries(conditions).map(([key, value]) => ({ conditions: { [key]: value } })),
      ...Object.entries(fields).map(([key, value]) => ({ [key]: value })),
    ];
    expect(patches).toHaveLength(18);
    const answers = await Promise.all(patches.map((json) => service.call('PATCH', `/event/${id}`, { json })));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(await read(id)).toEqual({
      id,
      ...fields,
      position: 'post',
      action: 'sendmail',
      condition: '',
      handlermodule: 'UserNotification',
      options,
      conditions,
    });
  });

  it('validates the merged result and refuses bad bodies with 400/905, writing nothing', async () => {
    const id = await create(webhook);
    const before = service.completedWrites();
    for (const json of [
      { action: 'sendmail' },
      { ordering: -1 },
      { active: 'perhaps' },
      { options: { URL: null } },
      { conditions: { client_ip: 'nowhere' } },
      { colour: 'red' },
      { options: 'URL=x' },
      [1, 2],
    ]) {
      const answer = await service.call('PATCH', `/event/${id}`, { json });
      expect(answer.status, JSON.stringify(json)).toBe(400);
      expect(answer.body.result.error.code).toBe(905);
    }
    expect((await service.call('PATCH', `/event/${id}`, { raw: '{' })).status).toBe(400);
    expect(service.completedWrites()).toBe(before);
    expectError(
      await service.call('PATCH', '/event/987654', { json: { ordering: 1 } }),
      404,
      601,
      'The requested EventHandler could not be found.',
    );
  });
});

describe('audit of configuration', () => {
  it('records model_created, model_updated and model_deleted events', async () => {
    const id = await create({ ...webhook, name: 'audited' });
    await create({ id, ...webhook, name: 'audited' });
    await service.call('POST', `/event/disable/${id}`);
    await service.call('POST', `/event/enable/${id}`);
    await service.call('PATCH', `/event/${id}`, { json: { ordering: 1 } });
    await service.call('DELETE', `/event/${id}`);
    const events = (
      await service.call(
        'GET',
        `/events/events/?context_model_pk=${id}&context_model_name=eventhandler&ordering=created`,
      )
    ).body.results as { action: string; app: string; user: unknown; context: any }[];
    expect(events.map((e) => e.action)).toEqual([
      'model_created',
      'model_updated',
      'model_updated',
      'model_updated',
      'model_updated',
      'model_deleted',
    ]);
    expect(events[0]).toMatchObject({
      app: 'idp_event_hub',
      user: { username: 'root' },
      context: { model: { app: 'idp_event_hub', model_name: 'eventhandler', pk: id, name: 'audited' } },
    });
  });

  it('records nothing for a refused change', async () => {
    const before = (await service.call('GET', '/events/events/?app=idp_event_hub')).body;
    await service.call('POST', '/event', { json: { ...webhook, action: 'nope' } });
    await service.call('DELETE', '/event/424242');
    const after = (await service.call('GET', '/events/events/?app=idp_event_hub')).body;
    expect(after.pagination.count).toBe(before.pagination?.count ?? 0);
  });
});

describe('policy actions', () => {
  it('answers 403/303 naming the missing action', async () => {
    const reader = await service.admin('reader', ['eventhandling_read']);
    const writer = await service.admin('writer', ['eventhandling_write']);
    const before = service.completedWrites();
    expectError(
      await service.call('POST', '/event', { json: webhook, token: reader }),
      403,
      303,
      'Admin actions are defined, but the action eventhandling_write is not allowed!',
    );
    expectError(
      await service.call('GET', '/event/', { token: writer }),
      403,
      303,
      'Admin actions are defined, but the action eventhandling_read is not allowed!',
    );
    expect(service.completedWrites()).toBe(before);
    expect((await service.call('GET', '/event/', { token: reader })).status).toBe(200);
    expect((await service.call('POST', '/event', { json: webhook, token: writer })).status).toBe(200);
  });

  it('accepts the privacyIDEA credential headers', async () => {
    const token = await service.admin('pi-client', ['eventhandling_read']);
    expect((await service.call('GET', '/event/', { token: null, headers: { 'PI-Authorization': token } })).status).toBe(
      200,
    );
    expect((await service.call('GET', '/event/', { token: null, authorization: token })).status).toBe(200);
  });
});
