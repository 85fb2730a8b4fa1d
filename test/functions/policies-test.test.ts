import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const base = '/policies/event_matcher/';
let office: string;
let everything: string;

beforeAll(async () => {
  service = await startService();
  office = (
    await service.call('POST', base, {
      json: { name: 'failed in office', action: 'login_failed', client_ip: '192.0.2.0/24' },
    })
  ).body.pk;
  everything = (
    await service.call('POST', base, {
      json: {
        name: 'v6 custom core users',
        action: 'custom_',
        client_ip: '2001:db8::/32',
        app: 'authentik.core',
        model: 'authentik_core.user',
      },
    })
  ).body.pk;
});
afterAll(() => service.close());

const test = (uuid: string, json: unknown) => service.call('POST', `${base}${uuid}/test/`, { json });

describe('POST /policies/event_matcher/{policy_uuid}/test/', () => {
  it.each<[string, Record<string, unknown>, boolean, string[]]>([
    [
      'all hold',
      { action: 'login_failed', app: 'x', client_ip: '192.0.2.7' },
      true,
      ['Action matched.', 'Client IP matched.'],
    ],
    [
      'IP outside the network',
      { action: 'login_failed', app: 'x', client_ip: '198.51.100.1' },
      false,
      ['Action matched.'],
    ],
    ['no IP', { action: 'login_failed', app: 'x' }, false, ['Action matched.']],
    ['other action', { action: 'login', app: 'x', client_ip: '192.0.2.7' }, false, ['Client IP matched.']],
  ])('inline event: %s', async (_name, event, passing, messages) => {
    const answer = await test(office, { event });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ passing, messages, log_messages: [] });
  });

  it('every criterion, IPv6 and a custom action', async () => {
    const event = {
      action: 'custom_import',
      app: 'authentik.core',
      client_ip: '2001:db8:1::5',
      context: { model: { app: 'authentik_core', model_name: 'user', pk: 1 } },
    };
    expect((await test(everything, { event })).body).toEqual({
      passing: true,
      messages: ['Action matched.', 'Client IP matched.', 'App matched.', 'Model matched.'],
      log_messages: [],
    });
    expect((await test(everything, { event: { ...event, context: {} } })).body).toEqual({
      passing: false,
      messages: ['Action matched.', 'Client IP matched.', 'App matched.'],
      log_messages: [],
    });
  });

  it('an inline event is not stored', async () => {
    const before = await service.digest();
    expect((await test(office, { event: { action: 'login_failed', app: 'x' } })).status).toBe(200);
    expect(await service.digest()).toBe(before);
  });

  it('a stored event, by its UUID', async () => {
    const stored = await service.call('POST', '/events/events/', {
      json: { action: 'login_failed', app: 'authentik.core', client_ip: '192.0.2.99' },
    });
    expect(stored.status).toBe(201);
    expect((await test(office, { event_uuid: stored.body.pk })).body).toEqual({
      passing: true,
      messages: ['Action matched.', 'Client IP matched.'],
      log_messages: [],
    });
    expect((await test(everything, { event_uuid: stored.body.pk.toUpperCase() })).body).toEqual({
      passing: false,
      messages: ['App matched.'],
      log_messages: [],
    });
  });

  it('an unknown or malformed event UUID is 404', async () => {
    for (const id of ['0190a000-0000-7000-8000-000000000000', '6f1e7a52-8a84-4f7e-9a35-7f1f3c2a9b10', 'x']) {
      const answer = await test(office, { event_uuid: id });
      expect(answer.status, id).toBe(404);
      expect(answer.body).toEqual({ detail: 'Not found.' });
    }
  });

  it('a stored event needs auditlog_read besides policy_write (403 alike for a known and an unknown id); an inline one does not', async () => {
    const stored = await service.call('POST', '/events/events/', {
      json: { action: 'login_failed', app: 'authentik.core', user: { email: 'ceo@example.com' } },
    });
    const writer = await service.admin('policy-writer', ['policy_write']);
    const reader = await service.admin('policy-writer-reader', ['policy_write', 'auditlog_read']);
    const as = (token: string, json: unknown) => service.call('POST', `${base}${office}/test/`, { token, json });
    const known = await as(writer, { event_uuid: stored.body.pk });
    const unknown = await as(writer, { event_uuid: '0190a000-0000-7000-8000-000000000000' });
    expect(known.status, known.text).toBe(403);
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual(known.body);
    expect((await as(writer, { event: { action: 'login_failed', app: 'x' } })).status).toBe(200);
    expect((await as(reader, { event_uuid: stored.body.pk })).status).toBe(200);
  });

  it('an unknown policy is 404', async () => {
    const answer = await test('6f1e7a52-8a84-4f7e-9a35-7f1f3c2a9b10', { event: { action: 'login', app: 'x' } });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ detail: 'Not found.' });
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    ['neither', {}, { non_field_errors: ['Give either "event" or "event_uuid".'] }],
    [
      'both',
      { event: { action: 'login', app: 'x' }, event_uuid: '6f1e7a52-8a84-4f7e-9a35-7f1f3c2a9b10' },
      { non_field_errors: ['Give either "event" or "event_uuid".'] },
    ],
    ['an event without action', { event: { app: 'x' } }, { event: ['action: This field is required.'] }],
    [
      'an event with a bad IP',
      { event: { action: 'login', app: 'x', client_ip: 'nope' } },
      { event: ['client_ip: Enter a valid IPv4 or IPv6 address.'] },
    ],
    ['an unknown field', { event_uuid: 'x', extra: 1 }, { extra: ['Unknown field.'] }],
    [
      'an unknown event field',
      { event: { action: 'login', app: 'x', colour: 1 } },
      { event: ['colour: Unknown field.'] },
    ],
    [
      'an event that is not an object',
      { event: [] },
      { event: ['Invalid data. Expected a dictionary, but got another type.'] },
    ],
    ['a null event', { event: null }, { event: ['Invalid data. Expected a dictionary, but got another type.'] }],
  ])('400 for %s', async (_name, json, errors) => {
    const answer = await test(office, json);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(errors);
  });
});
