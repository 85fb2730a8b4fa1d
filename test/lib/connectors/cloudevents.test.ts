// CloudEvents 1.0 → events in structured, batched and binary modes. Fixtures: the CloudEvents JSON
// format's examples (cloudevents/spec) and Auth0's Event Streams sample; see fixtures/README.md.
import { describe, expect, it } from 'vitest';
import type { IngestRequest } from '../../../lib/connectors/mapping.ts';
import { copies, fixture, type Json, mapped, refusal, requestOf } from './connector-requests.ts';

const [xmlEvent, objectEvent, stringEvent] = fixture<Json[]>('cloudevents/json-format-examples.json') as [
  Json,
  Json,
  Json,
];
const batchExample = fixture<Json[]>('cloudevents/json-batch-example.json');
const binaryExamples = fixture<{ headers: Record<string, string>; body: string }[]>(
  'cloudevents/http-binary-examples.json',
);
const auth0UserCreated = fixture('cloudevents/auth0-event-stream-user-created.json');

const structured = (event: unknown) => requestOf(event, 'application/cloudevents+json; charset=utf-8');
const batch = (events: unknown) => requestOf(events, 'application/cloudevents-batch+json');
const binary = (headers: Record<string, string>, body = ''): IngestRequest => ({
  contentType: headers['content-type'],
  headers,
  body,
});
const minimal = { specversion: '1.0', id: 'e-1', source: 'https://idp.example.com', type: 'login' };

describe('cloudevents: the spec examples', () => {
  it.each([
    [xmlEvent, { data: '<much wow="xml"/>' }],
    [objectEvent, { appinfoA: 'abc', appinfoB: 123, appinfoC: true }],
    [stringEvent, { data: "I'm just a string" }],
  ])('structured %j', (event, dataContext) => {
    const { events } = mapped('cloudevents', structured(event));
    expect(events).toEqual([
      {
        position: 0,
        nativeId: `/mycontext ${event.id}`,
        input: {
          action: 'custom_com_example_someevent',
          app: '/mycontext',
          context: {
            ...dataContext,
            source_kind: 'cloudevents',
            source_record: event,
            source_time: '2018-04-05T17:31:00.000Z',
          },
        },
      },
    ]);
  });

  it('batched: the JSON Batch example, binary data that is not UTF-8 kept as data_base64', () => {
    const { events } = mapped('cloudevents', batch(batchExample));
    expect(events.map((event) => [event.position, event.nativeId, event.input.action, event.input.app])).toEqual([
      [0, '/mycontext/4 B234-1234-1234', 'custom_com_example_someevent', '/mycontext/4'],
      [1, '/mycontext/9 C234-1234-1234', 'custom_com_example_someotherevent', '/mycontext/9'],
    ]);
    expect(events[0]?.input.context).toMatchObject({ data_base64: 'gAEAAQ==', source_record: batchExample[0] });
    expect(events[1]?.input.context).toMatchObject({ appinfoA: 'abc', source_time: '2018-04-05T17:31:05.000Z' });
  });

  it('binary: the examples re-encoded in HTTP binary mode give the structured contexts', () => {
    const structuredEvents = [xmlEvent, objectEvent, stringEvent].map(
      (event) => mapped('cloudevents', structured(event)).events[0]!,
    );
    binaryExamples.forEach(({ headers, body }, i) => {
      const [event] = mapped('cloudevents', binary(headers, body)).events;
      const { source_record: record, ...context } = event!.input.context!;
      const { source_record: _structuredRecord, ...structuredContext } = structuredEvents[i]!.input.context!;
      expect(event?.nativeId).toBe(structuredEvents[i]?.nativeId);
      expect(event?.input.action).toBe(structuredEvents[i]?.input.action);
      expect(context).toEqual(structuredContext);
      expect(record).toMatchObject({
        specversion: '1.0',
        comexampleothervalue: '5',
        datacontenttype: headers['content-type'],
      });
    });
  });

  it("Auth0 Event Streams' user.created: its source as the app, its data as the context", () => {
    const [event] = mapped('cloudevents', structured(auth0UserCreated)).events;
    expect(event?.nativeId).toBe('urn:auth0: evt_6SfwXrtm8nVcjzzNCFFH1L');
    expect(event?.input).toEqual({
      action: 'custom_user_created',
      app: 'urn:auth0:',
      context: {
        object: auth0UserCreated.data.object,
        source_kind: 'cloudevents',
        source_record: auth0UserCreated,
        source_time: '2025-02-02T17:56:01.573Z',
      },
    });
  });
});

describe('cloudevents: mapping', () => {
  it.each([
    ['login', 'login'],
    ['model_created', 'model_created'],
    ['custom_deploy_finished', 'custom_deploy_finished'],
    ['user.created', 'custom_user_created'],
    ['com.okta.user.session.start', 'custom_com_okta_user_session_start'],
    ['Login', 'custom_Login'],
    ['__proto__', 'custom___proto__'],
  ])('type %s → %s', (type, action) => {
    expect(mapped('cloudevents', structured({ ...minimal, type })).events[0]?.input.action).toBe(action);
  });

  it('bounds a long type to 128 characters, the same way every time', () => {
    const type = `com.example.${'x'.repeat(300)}`;
    const [first] = mapped('cloudevents', structured({ ...minimal, type })).events;
    const [again] = mapped('cloudevents', structured({ ...minimal, type, id: 'e-2' })).events;
    expect(first?.input.action).toHaveLength(128);
    expect(first?.input.action).toMatch(/^custom_com_example_x+_[0-9a-f]{8}$/);
    expect(again?.input.action).toBe(first?.input.action);
  });

  it.each([
    ['subject names the user', { subject: 'jane' }, { username: 'jane' }, {}],
    [
      'data.user wins over subject',
      { subject: 'jane', data: { user: { pk: 7, username: 'joe' }, step: 2 } },
      { pk: 7, username: 'joe' },
      { step: 2 },
    ],
    [
      'data.user that is not an object stays data',
      { subject: 'jane', data: { user: 'joe' } },
      { username: 'jane' },
      { user: 'joe' },
    ],
    ['no subject, no user', { data: [1, 2] }, undefined, { data: [1, 2] }],
    ['data null is data', { data: null }, undefined, { data: null }],
    [
      'JSON data_base64',
      { datacontenttype: 'application/json', data_base64: Buffer.from('{"a":1}').toString('base64') },
      undefined,
      { a: 1 },
    ],
    [
      'text data_base64',
      { datacontenttype: 'text/plain', data_base64: Buffer.from('héllo').toString('base64') },
      undefined,
      { data: 'héllo' },
    ],
    [
      'data_base64 without content type',
      { data_base64: Buffer.from('{"a":1}').toString('base64') },
      undefined,
      { data: '{"a":1}' },
    ],
    ['data keys do not replace the source keys', { data: { source_kind: 'x', source_time: 'y' } }, undefined, {}],
  ])('%s', (_case, attributes, user, dataContext) => {
    const event = { ...minimal, ...attributes };
    const [mappedEvent] = mapped('cloudevents', structured(event)).events;
    expect(mappedEvent?.input.user).toEqual(user);
    expect(mappedEvent?.input.context).toEqual({ ...dataContext, source_kind: 'cloudevents', source_record: event });
  });

  it('binary mode percent-decodes header values (runs of %XX only) and reads a text body', () => {
    const headers = {
      ...binaryHeaders(),
      'ce-subject': 'Jane%20Doe%20%E2%82%AC',
      'ce-note': '100% sure',
      'content-type': 'text/plain',
    };
    const [event] = mapped('cloudevents', binary(headers, 'plain words')).events;
    expect(event?.input.user).toEqual({ username: 'Jane Doe €' });
    expect(event?.input.context).toMatchObject({ data: 'plain words', source_record: { note: '100% sure' } });
  });

  it('binary mode without a body has no data', () => {
    const [event] = mapped('cloudevents', binary(binaryHeaders())).events;
    expect(event?.input.context).toEqual({
      source_kind: 'cloudevents',
      source_record: { specversion: '1.0', id: 'e-1', source: 'https://idp.example.com', type: 'login' },
    });
  });
});

function binaryHeaders(): Record<string, string> {
  return { 'ce-specversion': '1.0', 'ce-id': 'e-1', 'ce-source': 'https://idp.example.com', 'ce-type': 'login' };
}

describe('cloudevents: malformed requests', () => {
  const { 'ce-id': _id, ...withoutId } = binaryHeaders();
  it.each([
    [
      'an event format that is not JSON',
      requestOf(minimal, 'application/cloudevents+xml'),
      'content type application/cloudevents+xml: the event formats taken are application/cloudevents+json and application/cloudevents-batch+json',
    ],
    [
      'a batch without the batch media type',
      requestOf([minimal], 'application/json'),
      'content type application/json: expected application/cloudevents+json, application/cloudevents-batch+json or ce-* headers (binary mode)',
    ],
    [
      'no content type and no ce-* headers',
      requestOf(minimal, null),
      'content type missing: expected application/cloudevents+json, application/cloudevents-batch+json or ce-* headers (binary mode)',
    ],
    ['a structured body that does not parse', structured('{"specversion":'), 'body: not JSON'],
    ['a structured body that is a list', structured([minimal]), 'body must be an object'],
    [
      'a batch that is not a list',
      batch(minimal),
      'body must be a list of events (application/cloudevents-batch+json)',
    ],
    ['a batch element that is not an object', batch([minimal, 1]), '[1] must be an object'],
    ['no specversion', structured({ ...minimal, specversion: undefined }), 'missing specversion'],
    ['specversion 0.3', batch([minimal, { ...minimal, specversion: '0.3' }]), '[1]: specversion "0.3": expected "1.0"'],
    ['no id', structured({ ...minimal, id: '' }), 'missing id'],
    ['no source', batch([{ ...minimal, source: undefined }]), '[0]: missing source'],
    ['no type', structured({ ...minimal, type: undefined }), 'missing type'],
    [
      'a source with a space',
      structured({ ...minimal, source: 'my source' }),
      'source must be a URI reference (no spaces)',
    ],
    ['an id that is not a string', structured({ ...minimal, id: 42 }), 'id must be a string'],
    ['a time that is not a string', structured({ ...minimal, time: 1 }), 'time must be a string'],
    [
      'data and data_base64',
      structured({ ...minimal, data: {}, data_base64: 'AA==' }),
      'data and data_base64 are both set',
    ],
    [
      'data_base64 that is not base64',
      structured({ ...minimal, data_base64: 'not base64!' }),
      'data_base64 is not base64',
    ],
    [
      'JSON data_base64 that is not JSON',
      structured({ ...minimal, datacontenttype: 'application/json', data_base64: 'AA==' }),
      'data_base64: not JSON',
    ],
    ['binary mode without ce-id', binary(withoutId), 'missing ce-id'],
    [
      'binary mode with ce-specversion 0.3',
      binary({ ...binaryHeaders(), 'ce-specversion': '0.3' }),
      'ce-specversion "0.3": expected "1.0"',
    ],
    [
      'binary mode with a JSON body that does not parse',
      binary({ ...binaryHeaders(), 'content-type': 'application/json' }, '{'),
      'body: not JSON',
    ],
    [
      'binary mode with percent-encoding that is not UTF-8',
      binary({ ...binaryHeaders(), 'ce-subject': '%C0%A0' }),
      'header ce-subject: percent-encoding that is not UTF-8',
    ],
    ['more than 1000 events', batch(copies(minimal, 1001, 'id')), '1001 events: at most 1000 per request'],
  ])('refuses %s', (_case, request, message) => {
    expect(refusal('cloudevents', request)).toBe(message);
  });
});
