import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
let existing: { pk: string; name: string };
beforeAll(async () => {
  service = await startService();
  existing = (await service.call('POST', base, { json: { name: 'existing', action: 'login' } })).body;
});
afterAll(() => service.close());

const base = '/policies/event_matcher/';

const required = 'This field is required.';
const mayNotBeNull = 'This field may not be null.';
const blank = 'This field may not be blank.';
const ip = 'Enter a valid IPv4 or IPv6 address.';
const model = 'Enter a model as "<app_label>.<model_name>".';

describe('bad input answers DRF field errors and changes nothing', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['no name', { app: 'x' }, { name: [required] }],
    ['null name', { name: null, app: 'x' }, { name: [mayNotBeNull] }],
    ['blank name', { name: '  ', app: 'x' }, { name: [blank] }],
    ['name not a string', { name: 5, app: 'x' }, { name: ['Not a valid string.'] }],
    [
      'name too long',
      { name: 'n'.repeat(201), app: 'x' },
      { name: ['Ensure this field has no more than 200 characters.'] },
    ],
    ['unknown action', { name: 'a', action: 'logon' }, { action: ['"logon" is not a valid choice.'] }],
    ['blank action', { name: 'a', action: '' }, { action: ['"" is not a valid choice.'] }],
    ['numeric action', { name: 'a', action: 3 }, { action: ['"3" is not a valid choice.'] }],
    [
      'bare custom is fine but custom_ needs no dot',
      { name: 'a', action: 'custom' },
      { action: ['"custom" is not a valid choice.'] },
    ],
    ['bad IP', { name: 'a', client_ip: '300.1.1.1' }, { client_ip: [ip] }],
    ['bad CIDR prefix', { name: 'a', client_ip: '10.0.0.0/33' }, { client_ip: [ip] }],
    ['bad IPv6 prefix', { name: 'a', client_ip: '2001:db8::/129' }, { client_ip: [ip] }],
    ['hostname', { name: 'a', client_ip: 'example.com' }, { client_ip: [ip] }],
    ['blank client_ip', { name: 'a', client_ip: '' }, { client_ip: [blank] }],
    ['blank app', { name: 'a', app: '' }, { app: [blank] }],
    ['app not a string', { name: 'a', app: ['x'] }, { app: ['Not a valid string.'] }],
    ['model without a dot', { name: 'a', model: 'user' }, { model: [model] }],
    ['model with two dots', { name: 'a', model: 'a.b.c' }, { model: [model] }],
    ['blank model', { name: 'a', model: ' ' }, { model: [blank] }],
    [
      'execution_logging as a string',
      { name: 'a', app: 'x', execution_logging: 'true' },
      { execution_logging: ['Must be a valid boolean.'] },
    ],
    [
      'execution_logging as 1',
      { name: 'a', app: 'x', execution_logging: 1 },
      { execution_logging: ['Must be a valid boolean.'] },
    ],
    ['execution_logging null', { name: 'a', app: 'x', execution_logging: null }, { execution_logging: [mayNotBeNull] }],
    ['unknown field', { name: 'a', app: 'x', colour: 'red' }, { colour: ['Unknown field.'] }],
    [
      'several fields at once',
      { name: '', action: 'x', client_ip: 'y' },
      { name: [blank], action: ['"x" is not a valid choice.'], client_ip: [ip] },
    ],
    ['no criterion', { name: 'a' }, { non_field_errors: ['At least one criteria must be set.'] }],
    [
      'every criterion null',
      { name: 'a', action: null, client_ip: null, app: null, model: null, execution_logging: true },
      { non_field_errors: ['At least one criteria must be set.'] },
    ],
    ['a list', [{ name: 'a', app: 'x' }], { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
    ['a string', 'name', { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }],
    ['null', null, { non_field_errors: ['Invalid data. Expected a dictionary, but got NoneType.'] }],
    ['taken name', { name: 'existing', app: 'x' }, { name: ['Policy with this name already exists.'] }],
  ])('POST: %s', async (_name, json, errors) => {
    const before = service.completedWrites();
    const answer = await service.call('POST', base, { json });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(errors);
    expect(service.completedWrites()).toBe(before);
  });

  it('malformed JSON: 400 {"detail": "JSON parse error - …"}', async () => {
    const before = service.completedWrites();
    const answer = await service.call('POST', base, { raw: '{"name": ' });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/^JSON parse error - /);
    expect(service.completedWrites()).toBe(before);
  });

  it('an empty body asks for the name', async () => {
    const answer = await service.call('POST', base, { raw: '' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ name: [required] });
  });

  it('PUT validates like POST', async () => {
    const before = service.completedWrites();
    for (const [json, errors] of [
      [{ app: 'x' }, { name: [required] }],
      [{ name: 'existing 2' }, { non_field_errors: ['At least one criteria must be set.'] }],
      [{ name: 'e', client_ip: '1.2.3' }, { client_ip: [ip] }],
    ] as const) {
      const answer = await service.call('PUT', `${base}${existing.pk}/`, { json });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(errors);
    }
    expect(service.completedWrites()).toBe(before);
  });

  it('PATCH validates the fields given and the result as a whole', async () => {
    const before = service.completedWrites();
    for (const [json, errors] of [
      [{ name: null }, { name: [mayNotBeNull] }],
      [{ action: 'nope' }, { action: ['"nope" is not a valid choice.'] }],
      [{ execution_logging: 'false' }, { execution_logging: ['Must be a valid boolean.'] }],
      // Clearing the only criterion leaves none.
      [{ action: null }, { non_field_errors: ['At least one criteria must be set.'] }],
    ] as const) {
      const answer = await service.call('PATCH', `${base}${existing.pk}/`, { json });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(errors);
    }
    expect(service.completedWrites()).toBe(before);
    expect((await service.call('GET', `${base}${existing.pk}/`)).body.action).toBe('login');
  });
});

describe('accepted forms', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['an IPv4 address', { client_ip: '192.0.2.7' }, { client_ip: '192.0.2.7' }],
    ['an IPv4 network', { client_ip: '192.0.2.0/24' }, { client_ip: '192.0.2.0/24' }],
    ['an IPv6 address', { client_ip: '2001:db8::7' }, { client_ip: '2001:db8::7' }],
    ['an IPv6 network', { client_ip: '2001:db8::/48' }, { client_ip: '2001:db8::/48' }],
    ['a custom action', { action: 'custom_sync' }, { action: 'custom_sync' }],
    ['the custom_ prefix', { action: 'custom_' }, { action: 'custom_' }],
    ['a model', { model: 'idp_event_hub.eventhandler' }, { model: 'idp_event_hub.eventhandler' }],
    ['trimmed text', { app: '  authentik.core ' }, { app: 'authentik.core' }],
    ['omitted criteria as null', { app: 'x' }, { action: null, client_ip: null, model: null }],
  ])('%s', async (label, fields, expected) => {
    const answer = await service.call('POST', base, { json: { name: `accepts ${label}`, ...fields } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject(expected);
  });
});
