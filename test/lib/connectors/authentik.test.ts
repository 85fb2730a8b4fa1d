// authentik events → events. Fixture: the examples of authentik's "Event actions" documentation
// (goauthentik/authentik website/docs; see fixtures/README.md).
import { describe, expect, it } from 'vitest';
import { copies, fixture, type Json, mapped, refusal, requestOf } from './connector-requests.ts';

const examples = fixture<Json[]>('authentik/event-action-examples.json');
const [login] = examples as [Json];

describe('authentik', () => {
  it('maps the published examples as a list: their own action, app, user, context, IP and brand', () => {
    const { events, skipped } = mapped('authentik', requestOf(examples));
    expect(skipped).toEqual([]);
    expect(events.map((event) => [event.position, event.nativeId, event.input.action, event.input.app])).toEqual([
      [0, 'f00f54e7-2b38-421f-bc78-e61f950048d6', 'login', 'authentik.events.signals'],
      [1, '2779b173-eb2a-4c2b-a1a4-8283eda308d7', 'login_failed', 'authentik.events.signals'],
      [2, '474ffb6b-77e3-401c-b681-7d618962440f', 'logout', 'authentik.events.signals'],
      [3, 'd012e8af-cb94-4fa2-9e92-961e4eebc060', 'user_write', 'authentik.events.signals'],
      [
        4,
        'f52f9eb9-dc2a-4f1e-afea-ad5af90bf680',
        'authorize_application',
        'authentik.providers.oauth2.views.authorize',
      ],
    ]);
    expect(events[0]?.input).toEqual({
      action: 'login',
      app: 'authentik.events.signals',
      user: login.user,
      client_ip: '::1',
      brand: login.brand,
      context: {
        ...login.context,
        source_kind: 'authentik',
        source_record: login,
        source_time: '2023-02-15T15:33:42.771Z',
      },
    });
  });

  it('maps one event, and a page of the events API ({ pagination, results })', () => {
    expect(mapped('authentik', requestOf(login)).events).toEqual(mapped('authentik', requestOf([login])).events);
    const page = { pagination: { next: 0, previous: 0, count: 5, current: 1, total_pages: 1 }, results: examples };
    expect(mapped('authentik', requestOf(page))).toEqual(mapped('authentik', requestOf(examples)));
  });

  it.each([
    ['login', 'login'],
    ['model_deleted', 'model_deleted'],
    ['custom_', 'custom_'],
    ['custom_vpn_connected', 'custom_vpn_connected'],
  ])('keeps action %s', (action, expected) => {
    expect(mapped('authentik', requestOf({ ...login, action })).events[0]?.input.action).toBe(expected);
  });

  it.each([['bogus'], ['Login'], ['constructor'], [`custom_${'x'.repeat(200)}`]])(
    'skips a record whose action %s is neither an authentik action nor custom_…, and keeps the others',
    (action) => {
      const odd = { ...login, pk: 'odd-one', action };
      const { events, skipped } = mapped('authentik', requestOf([login, odd, examples[2]]));
      expect(events.map((event) => event.position)).toEqual([0, 2]);
      expect(skipped).toEqual([
        {
          position: 1,
          nativeId: 'odd-one',
          reason: expect.stringContaining('is neither an authentik action nor custom_'),
        },
      ]);
      expect(skipped[0]?.reason).toContain(JSON.stringify(action.slice(0, 100)));
    },
  );

  it('names the app authentik when the record has none, and leaves out an IP that is not one', () => {
    const [event] = mapped('authentik', requestOf({ ...login, app: '', client_ip: 'unknown' })).events;
    expect(event?.input.app).toBe('authentik');
    expect(event?.input).not.toHaveProperty('client_ip');
  });

  it('keeps the source keys its own: a context key named source_time does not pass for it', () => {
    const record = { ...login, created: undefined, context: { source_time: 'client-said', step: 1 } };
    const [event] = mapped('authentik', requestOf(record)).events;
    expect(event?.input.context).toEqual({ step: 1, source_kind: 'authentik', source_record: record });
  });

  it.each([
    [
      'a non-JSON content type',
      requestOf(examples, 'application/x-www-form-urlencoded'),
      'content type application/x-www-form-urlencoded: expected application/json',
    ],
    ['a body that does not parse', requestOf('[{"pk":'), 'body: not JSON'],
    ['a body that is neither object nor list', requestOf('"login"'), 'body must be an object or a list of objects'],
    ['a list element that is not an object', requestOf([login, null]), '[1] must be an object'],
    ['a page element that is not an object', requestOf({ results: [login, 3] }), 'results[1] must be an object'],
    ['a record without pk', requestOf([login, { ...login, pk: undefined }]), '[1]: missing pk'],
    ['a pk that is not a string', requestOf([{ ...login, pk: 12 }]), '[0]: pk must be a string'],
    ['a record without action', requestOf({ ...login, action: null }), 'missing action'],
    ['a context that is not an object', requestOf({ ...login, context: [] }), 'context must be an object'],
    ['a user that is not an object', requestOf({ ...login, user: 'akadmin' }), 'user must be an object'],
    ['a brand that is not an object', requestOf({ ...login, brand: 1 }), 'brand must be an object'],
    ['a client_ip that is not a string', requestOf({ ...login, client_ip: 1 }), 'client_ip must be a string'],
    ['more than 1000 events', requestOf(copies(login, 1001, 'pk')), '1001 events: at most 1000 per request'],
  ])('refuses %s', (_case, request, message) => {
    expect(refusal('authentik', request)).toBe(message);
  });
});
