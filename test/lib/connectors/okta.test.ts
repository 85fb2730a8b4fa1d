// Okta Event Hooks → events. Fixtures: Okta's published Event Hook delivery sample and the Event
// Hook guide's LogEvent (developer.okta.com, okta/okta-developer-docs; see fixtures/README.md).
import { describe, expect, it } from 'vitest';
import { copies, fixture, type Json, mapped, refusal, requestOf } from './connector-requests.ts';

const delivery = fixture('okta/event-hook-delivery.json');
const sessionStart: Json = delivery.data.events[0];
const deactivate = fixture('okta/user-lifecycle-deactivate.json');
const hook = (...events: unknown[]) => requestOf({ ...delivery, data: { events } });

describe('okta', () => {
  it('maps the published delivery sample: one login, with its actor, client IP, id and time', () => {
    const { events, skipped } = mapped('okta', requestOf(delivery));
    expect(skipped).toEqual([]);
    expect(events).toEqual([
      {
        position: 0,
        nativeId: 'f790999f-fe87-467a-9880-6982a583986c',
        input: {
          action: 'login',
          app: 'okta',
          user: { username: 'admin@example.com', pk: '00u1qw6mqitPHM8AJ0g7' },
          client_ip: '12.97.85.90',
          context: { source_kind: 'okta', source_record: sessionStart, source_time: '2018-03-28T22:23:07.777Z' },
        },
      },
    ]);
  });

  it('maps the published user.lifecycle.deactivate LogEvent to model_updated with its target as the model', () => {
    const [event] = mapped('okta', hook(deactivate)).events;
    expect(event?.nativeId).toBe('ab62c0bc-2837-11eb-9823-9fb8f750c5a9');
    expect(event?.input).toMatchObject({
      action: 'model_updated',
      user: { username: 'okta.trainer@okta.com', pk: '00u2di94bAMSEPvAY1d6' },
      client_ip: '174.89.174.56',
      context: {
        model: { app: 'okta', model_name: 'user', pk: '00u3m90rxKjGQ0G6L1d6', name: 'john.doe@example.com' },
        source_record: deactivate,
        source_time: '2020-11-16T18:15:12.862Z',
      },
    });
  });

  it.each([
    ['user.session.start', { result: 'SUCCESS' }, 'login'],
    ['user.session.start', { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }, 'login_failed'],
    ['user.session.start', { result: 'DENY' }, 'login_failed'],
    ['user.session.start', undefined, 'login_failed'],
    ['user.session.end', { result: 'SUCCESS' }, 'logout'],
    ['user.account.update_password', { result: 'SUCCESS' }, 'password_set'],
    ['user.account.reset_password', { result: 'SUCCESS' }, 'password_set'],
    ['user.lifecycle.create', { result: 'SUCCESS' }, 'model_created'],
    ['user.lifecycle.activate', { result: 'SUCCESS' }, 'model_created'],
    ['user.lifecycle.delete.initiated', { result: 'SUCCESS' }, 'model_deleted'],
    ['user.lifecycle.delete.completed', { result: 'SUCCESS' }, 'model_deleted'],
    ['user.lifecycle.deactivate', { result: 'SUCCESS' }, 'model_updated'],
    ['user.lifecycle.reactivate', { result: 'SUCCESS' }, 'model_updated'],
    ['user.lifecycle.suspend', { result: 'SUCCESS' }, 'model_updated'],
    ['user.mfa.factor.activate', { result: 'SUCCESS' }, 'custom_okta_user_mfa_factor_activate'],
    [
      'app.oauth2.as.token.grant.access_token',
      { result: 'SUCCESS' },
      'custom_okta_app_oauth2_as_token_grant_access_token',
    ],
    ['constructor', { result: 'SUCCESS' }, 'custom_okta_constructor'],
  ])('%s (outcome %j) → %s', (eventType, outcome, action) => {
    const [event] = mapped('okta', hook({ ...sessionStart, eventType, outcome })).events;
    expect(event?.input.action).toBe(action);
  });

  it('keeps every event of a delivery in order, by position', () => {
    const { events } = mapped('okta', hook(sessionStart, deactivate, { ...sessionStart, uuid: 'third' }));
    expect(events.map((event) => [event.position, event.nativeId])).toEqual([
      [0, 'f790999f-fe87-467a-9880-6982a583986c'],
      [1, 'ab62c0bc-2837-11eb-9823-9fb8f750c5a9'],
      [2, 'third'],
    ]);
  });

  it('omits a client IP that is not an address, a user without actor, and a time that is not one', () => {
    const record = {
      ...sessionStart,
      client: { ipAddress: 'UNKNOWN' },
      actor: null,
      published: '2017-09-31T22:23:07.777Z',
    };
    const [event] = mapped('okta', hook(record)).events;
    expect(event?.input).not.toHaveProperty('client_ip');
    expect(event?.input).not.toHaveProperty('user');
    expect(event?.input.context).not.toHaveProperty('source_time');
    expect(event?.input.context?.source_record).toEqual(record);
  });

  it('takes an empty delivery', () => {
    expect(mapped('okta', hook())).toEqual({ events: [], skipped: [] });
  });

  it.each([
    [
      'a non-JSON content type',
      { ...requestOf(delivery), contentType: 'text/plain' },
      'content type text/plain: expected application/json',
    ],
    ['no content type', requestOf(delivery, null), 'content type missing: expected application/json'],
    ['a body that does not parse', requestOf('{"data":'), 'body: not JSON'],
    ['an empty body', requestOf(''), 'body: empty'],
    ['a list as the body', requestOf([delivery]), 'body must be an object'],
    ['no data', requestOf({ eventType: 'com.okta.event_hook' }), 'data must be an object'],
    ['data.events not a list', requestOf({ data: { events: { uuid: 'x' } } }), 'data.events must be a list'],
    ['an event that is not an object', hook(sessionStart, 'x'), 'data.events[1] must be an object'],
    ['an event without uuid', hook(sessionStart, { ...sessionStart, uuid: undefined }), 'data.events[1]: missing uuid'],
    ['a uuid that is not a string', hook({ ...sessionStart, uuid: 7 }), 'data.events[0]: uuid must be a string'],
    ['an event without eventType', hook({ ...sessionStart, eventType: '' }), 'data.events[0]: missing eventType'],
    [
      'an actor that is not an object',
      hook({ ...sessionStart, actor: 'admin' }),
      'data.events[0]: actor must be an object',
    ],
    ['more than 1000 events', hook(...copies(sessionStart, 1001, 'uuid')), '1001 events: at most 1000 per request'],
  ])('refuses %s', (_case, request, message) => {
    expect(refusal('okta', request)).toBe(message);
  });

  it('takes exactly 1000 events', () => {
    expect(mapped('okta', hook(...copies(sessionStart, 1000, 'uuid'))).events).toHaveLength(1000);
  });
});
