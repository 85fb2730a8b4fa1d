import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventWriter, type StoredEvent } from '../helpers/events.ts';
import { eventually, type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

const create = (body: Record<string, unknown>) => eventWriter(service).create(body);
const createInOrder = (bodies: Record<string, unknown>[]) => eventWriter(service).createInOrder(bodies);

type Query = Record<string, string | string[]>;
type Event = StoredEvent;

const tag = () => randomUUID().slice(0, 8);

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
  }
  return params.toString();
}

const list = (query: Query) => service.call('GET', `/events/events/?${queryString(query)}`);

/** Every matching event (one page of up to 1000). */
async function found(query: Query): Promise<Event[]> {
  const answer = await list({ page_size: '1000', ...query });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.pagination.total_pages).toBe(1);
  expect(answer.body.results).toHaveLength(answer.body.pagination.count);
  return answer.body.results;
}

const pks = (events: { pk: string }[]) => events.map((event) => event.pk);

/** The filter alone: every result satisfies it, the wanted events are in, the others out. */
async function expectFilter(query: Query, holds: (event: Event) => boolean, wanted: Event[], unwanted: Event[]) {
  const results = await found(query);
  expect(results.length).toBeGreaterThan(0);
  for (const event of results)
    expect(holds(event), `${JSON.stringify(query)} returned ${JSON.stringify(event)}`).toBe(true);
  for (const event of wanted) expect(pks(results)).toContain(event.pk);
  for (const event of unwanted) expect(pks(results)).not.toContain(event.pk);
}

describe('ordering', () => {
  it('lists newest first by default, oldest first with ordering=created, ignoring other values', async () => {
    const brand = { name: `brand-${tag()}` };
    const events = await createInOrder([
      { action: 'login', brand },
      { action: 'logout', brand },
      { action: 'login_failed', brand },
    ]);
    const newest = pks(events).reverse();
    expect(pks(await found({ brand_name: brand.name }))).toEqual(newest);
    expect(pks(await found({ brand_name: brand.name, ordering: '-created' }))).toEqual(newest);
    expect(pks(await found({ brand_name: brand.name, ordering: 'created' }))).toEqual(pks(events));
    for (const ordering of ['pk', '-pk', 'action', 'bogus', '', 'created,pk']) {
      expect(pks(await found({ brand_name: brand.name, ordering })), ordering).toEqual(newest);
    }
  });

  it('orders the events of a username the same way', async () => {
    const user = { username: `user-${tag()}` };
    const events = await createInOrder([
      { action: 'login', user },
      { action: 'logout', user },
      { action: 'login', user },
    ]);
    expect(pks(await found({ username: user.username }))).toEqual(pks(events).reverse());
    expect(pks(await found({ username: user.username, ordering: 'created' }))).toEqual(pks(events));
    expect(pks(await found({ username: user.username, ordering: 'bogus' }))).toEqual(pks(events).reverse());
  });

  it('answers the stored events themselves', async () => {
    const brand = { name: `brand-${tag()}` };
    const event = await create({
      action: 'login',
      brand,
      user: { pk: 3, username: 'u' },
      context: { a: 1 },
      client_ip: '192.0.2.1',
    });
    expect(await found({ brand_name: brand.name })).toEqual([event]);
  });
});

describe('the work of one request is bounded (issue 25 item 1)', () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => `custom_fan_${i}`);
  it.each([
    [
      'search',
      (n: number) =>
        `search=${encodeURIComponent(
          `action in (${values(n)
            .map((v) => `"${v}"`)
            .join(', ')})`,
        )}`,
    ],
    [
      'actions',
      (n: number) =>
        values(n)
          .map((v) => `actions=${v}`)
          .join('&'),
    ],
  ])(
    '%s naming more actions than 128 index partitions hold (8 of 16 shards) is refused, naming the parameter; 8 are read',
    async (parameter, query) => {
      for (const path of [
        '/events/events/?',
        '/events/events/stats/?count_steps=hours=1&',
        '/events/events/volume/?',
      ]) {
        const refused = await service.call('GET', `${path}${query(9)}`);
        expect(refused.status, `${path} ${refused.text}`).toBe(400);
        expect(Object.keys(refused.body)).toEqual([parameter]);
        expect(refused.body[parameter][0]).toContain('at most 128');
      }
      const read = await service.call('GET', `/events/events/?${query(8)}`);
      expect(read.status, read.text).toBe(200);
    },
  );
});

describe('the work of one request is bounded: an action substring', () => {
  it('a substring matching more actions than 128 partitions hold is refused naming action; a narrower one is read', async () => {
    // `o` is in more than 8 of authentik's own actions (login, logout, model_created, …): 16 shards each.
    const wide = await service.call('GET', '/events/events/?action=o');
    expect(wide.status, wide.text).toBe(400);
    expect(Object.keys(wide.body)).toEqual(['action']);
    expect(wide.body.action[0]).toContain('index partitions');
    // The same with a username (8 shards) still counts every term.
    const both = await service.call('GET', '/events/events/?action=o&username=nobody');
    expect(both.status, both.text).toBe(400);
    const narrow = await service.call('GET', '/events/events/?action=login');
    expect(narrow.status, narrow.text).toBe(200);
  });
});

describe('filters, each alone', () => {
  it('action is a case-insensitive substring, as authentik 2026.8 (icontains): login finds login_failed', async () => {
    const [login, failed, custom, logout] = await createInOrder([
      { action: 'login', app: `app-${tag()}` },
      { action: 'login_failed', app: `app-${tag()}` },
      { action: 'custom_login', app: `app-${tag()}` },
      { action: 'logout', app: `app-${tag()}` },
    ]);
    const contains = (text: string) => (e: Event) => e.action.toLowerCase().includes(text.toLowerCase());
    await expectFilter({ action: 'login' }, contains('login'), [login!, failed!, custom!], [logout!]);
    await expectFilter({ action: 'LOGIN_F' }, contains('login_f'), [failed!], [login!, custom!, logout!]);
    await expectFilter({ action: 'custom_log' }, contains('custom_log'), [custom!], [login!, failed!, logout!]);
    await expectFilter({ action: 'og' }, contains('og'), [login!, failed!, custom!, logout!], []);
  });

  it('an action text no action contains finds nothing (200, not 400)', async () => {
    const response = await list({ action: `nope-${tag()}` });
    expect(response.status).toBe(200);
    expect(response.body.pagination.count).toBe(0);
    expect(response.body.results).toEqual([]);
  });

  it('actions is repeatable and matches any of them exactly', async () => {
    const [login, failed, logout] = await createInOrder([
      { action: 'login' },
      { action: 'login_failed' },
      { action: 'logout' },
    ]);
    const wanted = ['login_failed', 'logout'];
    await expectFilter({ actions: wanted }, (e) => wanted.includes(e.action), [failed!, logout!], [login!]);
    await expectFilter({ actions: ['login'] }, (e) => e.action === 'login', [login!], [failed!, logout!]);
  });

  it('client_ip matches an IPv4 address or network', async () => {
    const [inside, insideToo, outside, none] = await createInOrder([
      { action: 'login', client_ip: '192.0.2.7' },
      { action: 'login', client_ip: '192.0.2.200' },
      { action: 'login', client_ip: '198.51.100.7' },
      { action: 'login' },
    ]);
    await expectFilter(
      { client_ip: '192.0.2.7' },
      (e) => e.client_ip === '192.0.2.7',
      [inside!],
      [insideToo!, outside!, none!],
    );
    await expectFilter(
      { client_ip: '192.0.2.0/24' },
      (e) => typeof e.client_ip === 'string' && e.client_ip.startsWith('192.0.2.'),
      [inside!, insideToo!],
      [outside!, none!],
    );
  });

  it('client_ip matches an IPv6 address (in any textual form) or network', async () => {
    const [inside, sibling, outside, v4] = await createInOrder([
      { action: 'login', client_ip: '2001:db8::7' },
      { action: 'login', client_ip: '2001:db8:1::9' },
      { action: 'login', client_ip: '2001:db9::7' },
      { action: 'login', client_ip: '192.0.2.7' },
    ]);
    await expectFilter(
      { client_ip: '2001:db8::7' },
      (e) => e.client_ip === '2001:db8::7',
      [inside!],
      [sibling!, outside!, v4!],
    );
    await expectFilter(
      { client_ip: '2001:0db8:0000:0000:0000:0000:0000:0007' },
      (e) => e.client_ip === '2001:db8::7',
      [inside!],
      [sibling!, outside!, v4!],
    );
    await expectFilter(
      { client_ip: '2001:db8::/48' },
      (e) => typeof e.client_ip === 'string' && /^2001:db8::/.test(e.client_ip),
      [inside!],
      [sibling!, outside!, v4!],
    );
    await expectFilter(
      { client_ip: '2001:db8::/32' },
      (e) => typeof e.client_ip === 'string' && /^2001:db8:/.test(e.client_ip),
      [inside!, sibling!],
      [outside!, v4!],
    );
  });

  it('username matches user.username exactly', async () => {
    const name = `alice-${tag()}`;
    const events = await createInOrder([
      { action: 'login', user: { username: name, pk: 1 } },
      { action: 'logout', user: { username: name } },
      { action: 'login', user: { username: `${name}x` } },
      { action: 'login', user: { username: name.toUpperCase() } },
      { action: 'login', user: { name } },
    ]);
    expect(pks(await found({ username: name }))).toEqual(pks(events.slice(0, 2)).reverse());
  });

  it('context_model_pk matches with dashes ignored, and numeric pks as text', async () => {
    const modelPk = randomUUID();
    const numeric = Math.floor(Math.random() * 1e9) + 1e9;
    const [withDashes, number, other] = await createInOrder([
      { action: 'model_updated', context: { model: { app: 'authentik_core', model_name: 'user', pk: modelPk } } },
      { action: 'model_updated', context: { model: { app: 'authentik_core', model_name: 'user', pk: numeric } } },
      { action: 'model_updated', context: { model: { app: 'authentik_core', model_name: 'user', pk: randomUUID() } } },
    ]);
    expect(pks(await found({ context_model_pk: modelPk }))).toEqual([withDashes!.pk]);
    expect(pks(await found({ context_model_pk: modelPk.replaceAll('-', '') }))).toEqual([withDashes!.pk]);
    expect(pks(await found({ context_model_pk: String(numeric) }))).toEqual([number!.pk]);
    expect(pks(await found({ context_model_pk: modelPk }))).not.toContain(other!.pk);
  });

  it('context_device matches context.device.pk like context_model_pk (authentik 2026.8)', async () => {
    const devicePk = randomUUID();
    const [device, otherDevice, model] = await createInOrder([
      { action: 'login', context: { device: { pk: devicePk, name: 'phone' } } },
      { action: 'login', context: { device: { pk: randomUUID() } } },
      { action: 'login', context: { model: { app: 'authentik_core', model_name: 'user', pk: devicePk } } },
    ]);
    expect(pks(await found({ context_device: devicePk }))).toEqual([device!.pk]);
    expect(pks(await found({ context_device: devicePk.replaceAll('-', '') }))).toEqual([device!.pk]);
    expect(pks(await found({ context_device: devicePk, action: 'log' }))).toEqual([device!.pk]);
    expect(pks(await found({ context_device: devicePk }))).not.toContain(otherDevice!.pk);
    expect(pks(await found({ context_model_pk: devicePk }))).toEqual([model!.pk]);
  });

  it('context_model_name and context_model_app match context.model exactly', async () => {
    const name = `group${tag()}`;
    const app = `app_${tag()}`;
    const [byName, byApp] = await createInOrder([
      { action: 'model_created', context: { model: { app: 'authentik_core', model_name: name, pk: 1 } } },
      { action: 'model_created', context: { model: { app, model_name: 'user', pk: 1 } } },
      {
        action: 'model_created',
        context: { model: { app: `${app}x`, model_name: `${name}x`, pk: 1 }, model_name: name },
      },
    ]);
    expect(pks(await found({ context_model_name: name }))).toEqual([byName!.pk]);
    expect(pks(await found({ context_model_app: app }))).toEqual([byApp!.pk]);
  });

  it('context_authorized_app matches context.authorized_application.pk', async () => {
    const appPk = randomUUID();
    const [wanted] = await createInOrder([
      { action: 'authorize_application', context: { authorized_application: { pk: appPk, name: 'Grafana' } } },
      { action: 'authorize_application', context: { authorized_application: { pk: randomUUID(), name: appPk } } },
      { action: 'authorize_application', context: { authorized_app: appPk } },
    ]);
    expect(pks(await found({ context_authorized_app: appPk }))).toEqual([wanted!.pk]);
  });

  it('brand_name matches brand.name exactly', async () => {
    const name = `brand-${tag()}`;
    const [wanted] = await createInOrder([
      { action: 'login', brand: { name, domain: 'a.example' } },
      { action: 'login', brand: { name: `${name}x` } },
      { action: 'login', brand: { domain: name } },
    ]);
    expect(pks(await found({ brand_name: name }))).toEqual([wanted!.pk]);
  });

  it('created__gte and created__lt bound the creation time', async () => {
    const [first, second, third] = await createInOrder([{ action: 'login' }, { action: 'login' }, { action: 'login' }]);
    const at = (event: Event) => Date.parse(event.created);
    const t = at(second!);
    await expectFilter({ created__gte: second!.created }, (e) => at(e) >= t, [second!, third!], [first!]);
    await expectFilter({ created__lt: second!.created }, (e) => at(e) < t, [first!], [second!, third!]);
    // Another zone and no zone at all (UTC) name the same instant.
    const shifted = new Date(t + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    await expectFilter({ created__gte: shifted }, (e) => at(e) >= t, [second!, third!], [first!]);
    const naive = second!.created.replace('Z', '');
    await expectFilter({ created__lt: naive }, (e) => at(e) < t, [first!], [second!, third!]);
  });
});

describe('filters combined', () => {
  it('combines every given filter with AND', async () => {
    const brand = { name: `brand-${tag()}` };
    const [wanted, wrongAction, wrongIp, wrongBrand] = await createInOrder([
      { action: 'login_failed', client_ip: '192.0.2.9', brand },
      { action: 'login', client_ip: '192.0.2.9', brand },
      { action: 'login_failed', client_ip: '198.51.100.9', brand },
      { action: 'login_failed', client_ip: '192.0.2.9', brand: { name: `${brand.name}x` } },
    ]);
    expect(pks(await found({ brand_name: brand.name }))).toEqual(pks([wanted!, wrongAction!, wrongIp!]).reverse());
    expect(pks(await found({ brand_name: brand.name, action: 'login_failed', client_ip: '192.0.2.0/24' }))).toEqual([
      wanted!.pk,
    ]);
    expect(pks(await found({ action: 'login_failed', client_ip: '192.0.2.9', brand_name: brand.name }))).not.toContain(
      wrongBrand!.pk,
    );
    expect(
      pks(await found({ brand_name: brand.name, actions: ['login', 'logout'], client_ip: '198.51.100.0/24' })),
    ).toEqual([]);
  });

  it('combines username with the other filters and a time window', async () => {
    const user = { username: `bob-${tag()}` };
    const [first, second, third, fourth] = await createInOrder([
      { action: 'login', user, context: { model: { app: 'authentik_core', model_name: 'user', pk: 5 } } },
      { action: 'login', user, brand: { name: 'acme' } },
      { action: 'login_failed', user, brand: { name: 'acme' } },
      { action: 'login', user, brand: { name: 'acme' } },
    ]);
    expect(pks(await found({ username: user.username, action: 'login', brand_name: 'acme' }))).toEqual([
      fourth!.pk,
      third!.pk,
      second!.pk,
    ]);
    expect(pks(await found({ username: user.username, actions: ['login'], brand_name: 'acme' }))).toEqual([
      fourth!.pk,
      second!.pk,
    ]);
    expect(
      pks(
        await found({
          username: user.username,
          created__gte: second!.created,
          created__lt: fourth!.created,
          ordering: 'created',
        }),
      ),
    ).toEqual([second!.pk, third!.pk]);
    expect(pks(await found({ username: user.username, context_model_pk: '5' }))).toEqual([first!.pk]);
  });

  it('ignores unknown parameters', async () => {
    const brand = { name: `brand-${tag()}` };
    const events = await createInOrder([
      { action: 'login', brand },
      { action: 'logout', brand },
    ]);
    const plain = await list({ brand_name: brand.name });
    const noisy = await list({
      brand_name: brand.name,
      foo: 'bar',
      color: ['red', 'blue'],
      page_sizes: 'x',
      Action: 'nope',
    });
    expect(noisy.status).toBe(200);
    expect(noisy.body).toEqual(plain.body);
    expect(pks(noisy.body.results)).toEqual(pks(events).reverse());
  });
});

describe('invalid filter values', () => {
  const cases: [string, Query, Record<string, string[]> | string][] = [
    ['an unknown action among actions', { actions: ['login', 'nope'] }, 'actions'],
    [
      'a bad IPv4 address',
      { client_ip: '10.0.0.300' },
      { client_ip: ['Enter a valid IPv4 or IPv6 address or network.'] },
    ],
    ['a bad IPv4 prefix', { client_ip: '10.0.0.0/33' }, 'client_ip'],
    ['a bad IPv6 prefix', { client_ip: '::1/129' }, 'client_ip'],
    ['a short address', { client_ip: '1.2.3' }, 'client_ip'],
    ['a word as created__gte', { created__gte: 'yesterday' }, { created__gte: ['Enter a valid date/time.'] }],
    ['an impossible date as created__gte', { created__gte: '2025-13-45T00:00:00Z' }, 'created__gte'],
    ['a date without time as created__lt', { created__lt: 'not-a-date' }, 'created__lt'],
    ['page_size 0', { page_size: '0' }, { page_size: ['Ensure this value is greater than or equal to 1.'] }],
    ['page_size -1', { page_size: '-1' }, { page_size: ['A valid integer is required.'] }],
    ['page_size 1001', { page_size: '1001' }, { page_size: ['Ensure this value is less than or equal to 1000.'] }],
    ['page_size abc', { page_size: 'abc' }, { page_size: ['A valid integer is required.'] }],
    ['page_size 1.5', { page_size: '1.5' }, 'page_size'],
    [
      'a huge page_size',
      { page_size: '9'.repeat(40) },
      { page_size: ['Ensure this value is less than or equal to 1000.'] },
    ],
  ];

  it.each(cases)('refuses %s with 400 naming the field', async (_name, query, expected) => {
    const answer = await list(query);
    expect(answer.status).toBe(400);
    if (typeof expected === 'string') {
      expect(Object.keys(answer.body)).toEqual([expected]);
      expect(answer.body[expected]).toEqual([expect.any(String)]);
    } else {
      expect(answer.body).toEqual(expected);
    }
  });

  it('accepts page_size at its bounds', async () => {
    expect((await list({ page_size: '1' })).status).toBe(200);
    expect((await list({ page_size: '1000' })).status).toBe(200);
  });
});

describe('pagination', () => {
  it('pages five events two at a time', async () => {
    const brand = { name: `brand-${tag()}` };
    const events = await createInOrder(Array.from({ length: 5 }, () => ({ action: 'login', brand })));
    const newest = pks(events).reverse();
    const page = async (n?: string) => {
      const answer = await list({ brand_name: brand.name, page_size: '2', ...(n === undefined ? {} : { page: n }) });
      expect(answer.status, answer.text).toBe(200);
      expect(Object.keys(answer.body)).toEqual(['pagination', 'results', 'autocomplete']);
      expect(Object.keys(answer.body.pagination)).toEqual([
        'next',
        'previous',
        'count',
        'current',
        'total_pages',
        'start_index',
        'end_index',
      ]);
      return answer.body;
    };
    const one = await page('1');
    expect(one.pagination).toEqual({
      next: 2,
      previous: 0,
      count: 5,
      current: 1,
      total_pages: 3,
      start_index: 1,
      end_index: 2,
    });
    expect(pks(one.results)).toEqual(newest.slice(0, 2));
    expect(await page()).toEqual(one);
    const two = await page('2');
    expect(two.pagination).toEqual({
      next: 3,
      previous: 1,
      count: 5,
      current: 2,
      total_pages: 3,
      start_index: 3,
      end_index: 4,
    });
    expect(pks(two.results)).toEqual(newest.slice(2, 4));
    const three = await page('3');
    expect(three.pagination).toEqual({
      next: 0,
      previous: 2,
      count: 5,
      current: 3,
      total_pages: 3,
      start_index: 5,
      end_index: 5,
    });
    expect(pks(three.results)).toEqual(newest.slice(4));
    for (const bad of ['4', '0', '-1', 'abc', '1.5', '']) {
      const answer = await list({ brand_name: brand.name, page_size: '2', page: bad });
      expect(answer.status, `page=${bad}`).toBe(404);
      expect(answer.body, `page=${bad}`).toEqual({ detail: 'Invalid page.' });
    }
  });

  it('uses 100 events per page by default', async () => {
    const answer = await list({});
    expect(answer.status).toBe(200);
    expect(answer.body.results.length).toBe(Math.min(100, answer.body.pagination.count));
    expect(answer.body.pagination.end_index).toBe(Math.min(100, answer.body.pagination.count));
  });

  it('answers the empty envelope exactly when nothing matches', async () => {
    const answer = await list({ brand_name: `nothing-${tag()}` });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"pagination":{"next":0,"previous":0,"count":0,"current":1,"total_pages":1,"start_index":0,"end_index":0},"results":[],"autocomplete":{}}',
    );
    expect((await list({ brand_name: `nothing-${tag()}`, page: '1' })).text).toBe(answer.text);
  });

  it('answers Invalid page. for any page but the first when nothing matches', async () => {
    for (const page of ['2', '0', '-1', 'abc']) {
      const answer = await list({ username: `nobody-${tag()}`, page });
      expect(answer.status, page).toBe(404);
      expect(answer.body, page).toEqual({ detail: 'Invalid page.' });
    }
  });
});

describe('expiry', () => {
  it('lists and reads an event until it expires, and never returns it once expired', async () => {
    const user = { username: `exp-${tag()}`, pk: `person-${tag()}` };
    const brand = { name: `brand-${tag()}` };
    // A whole second 2 to 3 s ahead: the expiry is exact whatever the TTL attribute's precision.
    const expiresMs = (Math.ceil(Date.now() / 1000) + 2) * 1000;
    const [short, long] = await createInOrder([
      { action: 'login', user, brand, expires: new Date(expiresMs).toISOString() },
      { action: 'logout', user, brand },
    ]);
    expect(Date.parse(short!.expires)).toBe(expiresMs);
    const onegini = (query: string) => service.call('GET', `/api/events?${query}&limit=10&offset=0`);

    expect(pks(await found({ brand_name: brand.name }))).toEqual([long!.pk, short!.pk]);
    expect(pks(await found({ username: user.username }))).toEqual([long!.pk, short!.pk]);
    const readable = await service.call('GET', `/events/events/${short!.pk}/`);
    expect(readable.status).toBe(200);
    expect(readable.body).toEqual(short);
    const byActor = await onegini(`actor=${user.username}`);
    expect(byActor.body.resultSet.map((info: any) => info.event_identifier)).toEqual([long!.pk, short!.pk]);

    await eventually(async () => Date.now() > expiresMs, 10_000);

    expect(pks(await found({ brand_name: brand.name }))).toEqual([long!.pk]);
    expect(pks(await found({ username: user.username }))).toEqual([long!.pk]);
    expect(pks(await found({ brand_name: brand.name, ordering: 'created' }))).toEqual([long!.pk]);
    const gone = await service.call('GET', `/events/events/${short!.pk}/`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: 'Not found.' });
    for (const query of [`actor=${user.username}`, `userId=${user.pk}`, `actor=${user.username}&userId=${user.pk}`]) {
      const answer = await onegini(query);
      expect(answer.status).toBe(200);
      expect(
        answer.body.resultSet.map((info: any) => info.event_identifier),
        query,
      ).toEqual([long!.pk]);
      expect(answer.body.pagination.totalResults, query).toBe(1);
    }
  });
});

describe('data access', () => {
  it('never scans the table', () => {
    expect(service.commands).toContain('QueryCommand');
    expect(service.commands).not.toContain('ScanCommand');
  });
});
