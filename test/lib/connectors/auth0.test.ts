// Auth0 Log Streams → events, in the three body shapes. Fixture built from Auth0's documented log
// schemas (github.com/auth0/auth0-log-schemas): Auth0 publishes no webhook body; see fixtures/README.md.
import { describe, expect, it } from 'vitest';
import { copies, fixture, type Json, mapped, refusal, requestOf } from './connector-requests.ts';

const records = fixture<Json[]>('auth0/log-stream-records.json');
const [login] = records as [Json];
const jsonLines = (list: unknown[]) => list.map((record) => JSON.stringify(record)).join('\n');

describe('auth0', () => {
  it('maps JSONLINES, JSONARRAY and JSONOBJECT bodies (all sent as application/json) to the same events', () => {
    const lines = mapped('auth0', requestOf(jsonLines(records)));
    const array = mapped('auth0', requestOf(records));
    const objects = records.map((record) => mapped('auth0', requestOf(record)).events[0]);
    expect(lines.events).toHaveLength(records.length);
    expect(array).toEqual(lines);
    expect(objects.map((event, position) => ({ ...event, position }))).toEqual(lines.events);
  });

  it('maps a record: log_id, user, IP, date and the record whole', () => {
    const [event] = mapped('auth0', requestOf(login)).events;
    expect(event).toEqual({
      position: 0,
      nativeId: '90020240115103000000000000000000000000000000000000000001',
      input: {
        action: 'login',
        app: 'auth0',
        user: { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' },
        client_ip: '203.0.113.10',
        context: { source_kind: 'auth0', source_record: login, source_time: '2024-01-15T10:30:00.000Z' },
      },
    });
  });

  const byType = new Map(records.map((record) => [record.data.type as string, record]));
  it.each([
    ['s', 'login', { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' }, '203.0.113.10'],
    ['f', 'login_failed', undefined, '2001:db8::10'],
    ['fp', 'login_failed', { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' }, '203.0.113.11'],
    ['fu', 'login_failed', { username: 'nobody@example.com' }, '203.0.113.12'],
    ['slo', 'logout', { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' }, '203.0.113.10'],
    ['scp', 'password_set', { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' }, '203.0.113.10'],
    ['scpn', 'password_set', { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' }, '203.0.113.10'],
    [
      'limit_wc',
      'suspicious_request',
      { username: 'jane@example.com', pk: 'auth0|65a5000000000000000000a1' },
      '198.51.100.7',
    ],
    ['limit_mu', 'suspicious_request', undefined, '198.51.100.8'],
    ['sapi', 'custom_auth0_sapi', { pk: 'auth0|65a5000000000000000000b2' }, '203.0.113.20'],
  ])('type %s → %s', (type, action, user, clientIp) => {
    const record = byType.get(type)!;
    const [event] = mapped('auth0', requestOf(record)).events;
    expect(event?.nativeId).toBe(record.log_id);
    expect(event?.input.action).toBe(action);
    expect(event?.input.user).toEqual(user);
    expect(event?.input.client_ip).toBe(clientIp);
    expect(event?.input.context?.source_time).toBe(record.data.date);
  });

  it.each([
    ['gd_auth_succeed', 'custom_auth0_gd_auth_succeed'],
    ['valueOf', 'custom_auth0_valueOf'],
    ['x.y-z', 'custom_auth0_x_y_z'],
  ])('an unmapped type %s → %s', (type, action) => {
    const [event] = mapped('auth0', requestOf({ ...login, data: { ...login.data, type } })).events;
    expect(event?.input.action).toBe(action);
  });

  it('reads JSON lines with CRLF, blank lines and a trailing newline; positions count records, refusals lines', () => {
    const body = `${JSON.stringify(records[0])}\r\n\r\n${JSON.stringify(records[1])}\r\n`;
    expect(mapped('auth0', requestOf(body)).events.map((event) => event.position)).toEqual([0, 1]);
    expect(refusal('auth0', requestOf(`${body}\n{"log_id":`))).toBe('line 5: not JSON');
  });

  it('reads a pretty-printed JSONOBJECT body as one record', () => {
    expect(mapped('auth0', requestOf(JSON.stringify(login, null, 2))).events).toHaveLength(1);
  });

  it('takes the id from data.log_id when the envelope lacks it', () => {
    const [event] = mapped('auth0', requestOf({ data: login.data })).events;
    expect(event?.nativeId).toBe(login.data.log_id);
  });

  const withoutId = { data: { ...login.data, log_id: undefined } };
  it.each([
    ['a non-JSON content type', requestOf(records, 'text/plain'), 'content type text/plain: expected application/json'],
    ['a JSON line that does not parse', requestOf(`${JSON.stringify(login)}\n{"log_id":`), 'line 2: not JSON'],
    ['a JSONARRAY that does not parse', requestOf('[{"log_id":"1"'), 'body: not JSON'],
    ['a body that is not JSON at all', requestOf('log_id=1'), 'line 1: not JSON'],
    ['an empty body', requestOf(' \n '), 'body: empty'],
    ['a JSON line that is not an object', requestOf(`${JSON.stringify(login)}\n[1]`), 'line 2 must be an object'],
    ['a list element that is not an object', requestOf([login, 'x']), '[1] must be an object'],
    ['a record without log_id', requestOf([login, withoutId]), '[1]: missing log_id'],
    [
      'a JSON line without log_id',
      requestOf(`${JSON.stringify(login)}\n${JSON.stringify(withoutId)}`),
      'line 2: missing log_id',
    ],
    ['a log_id that is not a string', requestOf({ ...login, log_id: 9 }), 'log_id must be a string'],
    ['data that is not an object', requestOf([{ log_id: '1', data: 'x' }]), '[0]: data must be an object'],
    [
      'a record without data.type',
      requestOf({ ...login, data: { ...login.data, type: undefined } }),
      'missing data.type',
    ],
    [
      'more than 1000 records',
      requestOf(jsonLines(copies(login, 1001, 'log_id'))),
      '1001 events: at most 1000 per request',
    ],
  ])('refuses %s', (_case, request, message) => {
    expect(refusal('auth0', request)).toBe(message);
  });
});
