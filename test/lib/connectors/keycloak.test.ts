// Keycloak event representations → events. Fixtures built from Keycloak's documented
// EventRepresentation / AdminEventRepresentation (Keycloak publishes no samples; see fixtures/README.md).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copies, fixture, type Json, mapped, refusal, requestOf } from './connector-requests.ts';

const userEvents = fixture<Json[]>('keycloak/user-events.json');
const adminEvents = fixture<Json[]>('keycloak/admin-events.json');
const [loginEvent, loginError] = userEvents as [Json, Json];
const [createUser] = adminEvents as [Json];
const sha256 = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

describe('keycloak', () => {
  it('maps a LOGIN: its id, username, user id, IP and time', () => {
    expect(mapped('keycloak', requestOf(loginEvent)).events).toEqual([
      {
        position: 0,
        nativeId: '1f1c0e4a-6f0b-4c59-9a8e-2b0c7b0f3a11',
        input: {
          action: 'login',
          app: 'keycloak',
          user: { username: 'jane', pk: '5e4d3c2b-1a09-4877-b665-544332211000' },
          client_ip: '203.0.113.30',
          context: { source_kind: 'keycloak', source_record: loginEvent, source_time: '2024-01-15T10:30:00.000Z' },
        },
      },
    ]);
  });

  it.each([
    ['LOGIN', 'login'],
    ['LOGIN_ERROR', 'login_failed'],
    ['LOGOUT', 'logout'],
    ['UPDATE_PASSWORD', 'password_set'],
    ['RESET_PASSWORD', 'password_set'],
    ['CODE_TO_TOKEN', 'custom_keycloak_code_to_token'],
  ])('user event %s → %s', (type, action) => {
    const record = userEvents.find((event) => event.type === type);
    expect(mapped('keycloak', requestOf(record)).events[0]?.input.action).toBe(action);
  });

  it.each([
    [
      'CREATE',
      'model_created',
      {
        app: 'keycloak',
        model_name: 'user',
        pk: '5e4d3c2b-1a09-4877-b665-544332211000',
        name: 'users/5e4d3c2b-1a09-4877-b665-544332211000',
      },
    ],
    [
      'UPDATE',
      'model_updated',
      {
        app: 'keycloak',
        model_name: 'user',
        pk: '5e4d3c2b-1a09-4877-b665-544332211000',
        name: 'users/5e4d3c2b-1a09-4877-b665-544332211000',
      },
    ],
    [
      'DELETE',
      'model_deleted',
      {
        app: 'keycloak',
        model_name: 'group',
        pk: '3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1',
        name: 'groups/3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1',
      },
    ],
    ['ACTION', 'custom_keycloak_action', undefined],
  ])('admin event %s → %s, the resource as context.model', (operationType, action, model) => {
    const record = adminEvents.find((event) => event.operationType === operationType)!;
    const [event] = mapped('keycloak', requestOf(record)).events;
    expect(event?.input.action).toBe(action);
    expect(event?.input.context?.model).toEqual(model);
    expect(event?.input.user).toEqual({ pk: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' });
    expect(event?.input.client_ip).toBe('203.0.113.40');
    expect(event?.input.context?.source_time).toBe(new Date(record.time).toISOString());
  });

  it.each([
    ['ANOTHER_TYPE', 'custom_keycloak_another_type'],
    ['CLIENT_LOGIN', 'custom_keycloak_client_login'],
    ['toString', 'custom_keycloak_tostring'],
  ])('an unmapped type %s → %s', (type, action) => {
    expect(mapped('keycloak', requestOf({ ...loginEvent, type })).events[0]?.input.action).toBe(action);
  });

  it('derives the id without one: SHA-256 of [time, type, realm, user, session], the same every time', () => {
    const { events } = mapped('keycloak', requestOf([loginError, loginError]));
    const expected = sha256([loginError.time, 'LOGIN_ERROR', loginError.realmId, loginError.userId, null]);
    expect(events.map((event) => event.nativeId)).toEqual([expected, expected]);
    expect(mapped('keycloak', requestOf(adminEvents)).events[1]?.nativeId).toBe(adminEvents[1]?.id);
  });

  it('derives an admin event id from [time, operationType, realm, admin, resource path]', () => {
    const [event] = mapped('keycloak', requestOf(createUser)).events;
    const { time, realmId, authDetails, resourcePath } = createUser;
    expect(event?.nativeId).toBe(sha256([time, 'CREATE', realmId, authDetails.userId, resourcePath]));
    const other = { ...createUser, resourcePath: 'users/another' };
    expect(mapped('keycloak', requestOf(other)).events[0]?.nativeId).not.toBe(event?.nativeId);
  });

  it('maps every fixture as one list, by position', () => {
    const { events } = mapped('keycloak', requestOf([...userEvents, ...adminEvents]));
    expect(events.map((event) => event.position)).toEqual([...Array(userEvents.length + adminEvents.length).keys()]);
  });

  it.each([
    [
      'a non-JSON content type',
      requestOf(userEvents, 'text/plain; charset=utf-8'),
      'content type text/plain: expected application/json',
    ],
    ['a body that does not parse', requestOf('{"type":"LOGIN"'), 'body: not JSON'],
    ['a list element that is not an object', requestOf([loginEvent, 'LOGIN']), '[1] must be an object'],
    ['a user event without type', requestOf([{ ...loginEvent, type: undefined }]), '[0]: missing type'],
    [
      'a record without id or time',
      requestOf([loginEvent, { ...loginError, time: undefined }]),
      '[1]: missing id (and no time to derive it from)',
    ],
    ['a time that is not a number', requestOf({ ...loginEvent, time: '2024-01-15' }), 'time must be a number'],
    ['an id that is not a string', requestOf({ ...loginEvent, id: 5 }), 'id must be a string'],
    ['details that are not an object', requestOf({ ...loginEvent, details: ['jane'] }), 'details must be an object'],
    [
      'authDetails that are not an object',
      requestOf({ ...createUser, authDetails: 'admin' }),
      'authDetails must be an object',
    ],
    [
      'an admin event without operationType',
      requestOf({ ...createUser, operationType: undefined }),
      'missing operationType',
    ],
    ['more than 1000 events', requestOf(copies(loginEvent, 1001, 'id')), '1001 events: at most 1000 per request'],
  ])('refuses %s', (_case, request, message) => {
    expect(refusal('keycloak', request)).toBe(message);
  });
});
