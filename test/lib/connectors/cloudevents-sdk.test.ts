// The `cloudevents` npm SDK as an independent producer: what it sends in binary, structured and
// batched mode maps to the same events.
import { CloudEvent, CONSTANTS, HTTP, type Message } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import type { IngestRequest } from '../../../lib/connectors/mapping.ts';
import { mapped } from './connector-requests.ts';

/** An HTTP message of the SDK as the ingest route hands it over: header names lowercased, body text. */
function requestFrom(message: Message): IngestRequest {
  const headers = Object.fromEntries(
    Object.entries(message.headers).map(([name, value]) => [
      name.toLowerCase(),
      value === undefined ? undefined : String(value),
    ]),
  );
  return { contentType: headers['content-type'], headers, body: String(message.body) };
}

const login = new CloudEvent({
  id: 'a5b1c2d3-0000-4000-8000-000000000001',
  source: 'https://idp.example.com/realms/main',
  type: 'login',
  subject: 'jane',
  time: '2024-05-01T08:00:00.000Z',
  data: { user: { username: 'jane', pk: 'u-1' }, auth_method: 'password' },
});
const deploy = new CloudEvent({
  id: 'a5b1c2d3-0000-4000-8000-000000000002',
  source: '/ci/pipelines/7',
  type: 'com.example.deploy.finished',
  subject: 'ci-bot',
  time: '2024-05-01T08:01:00.000Z',
  datacontenttype: 'text/plain',
  data: 'deployed build 42',
});

const expectedLogin = {
  nativeId: 'https://idp.example.com/realms/main a5b1c2d3-0000-4000-8000-000000000001',
  action: 'login',
  app: 'https://idp.example.com/realms/main',
  user: { username: 'jane', pk: 'u-1' },
  context: { auth_method: 'password', source_kind: 'cloudevents', source_time: '2024-05-01T08:00:00.000Z' },
};
const expectedDeploy = {
  nativeId: '/ci/pipelines/7 a5b1c2d3-0000-4000-8000-000000000002',
  action: 'custom_com_example_deploy_finished',
  app: '/ci/pipelines/7',
  user: { username: 'ci-bot' },
  context: { data: 'deployed build 42', source_kind: 'cloudevents', source_time: '2024-05-01T08:01:00.000Z' },
};

function summary(request: IngestRequest) {
  return mapped('cloudevents', request).events.map(({ nativeId, input }) => {
    const { source_record: record, ...context } = input.context ?? {};
    expect(record).toMatchObject({ specversion: '1.0', id: nativeId.split(' ')[1] });
    return { nativeId, action: input.action, app: input.app, user: input.user, context };
  });
}

describe('cloudevents from the cloudevents SDK', () => {
  it('binary mode (HTTP.binary): ce-* headers, data as the body', () => {
    expect(summary(requestFrom(HTTP.binary(login)))).toEqual([expectedLogin]);
    expect(summary(requestFrom(HTTP.binary(deploy)))).toEqual([expectedDeploy]);
  });

  it('structured mode (HTTP.structured): application/cloudevents+json', () => {
    expect(summary(requestFrom(HTTP.structured(login)))).toEqual([expectedLogin]);
    expect(summary(requestFrom(HTTP.structured(deploy)))).toEqual([expectedDeploy]);
  });

  it('batched mode: the SDK events in the JSON Batch format (application/cloudevents-batch+json)', () => {
    // The SDK serializes events but has no batch serializer: the batch is a list of its JSON events.
    const request = requestFrom({
      headers: { 'content-type': CONSTANTS.MIME_CE_BATCH },
      body: JSON.stringify([login, deploy]),
    });
    expect(summary(request)).toEqual([expectedLogin, expectedDeploy]);
  });

  it('structured mode carries binary data as data_base64, decoded to text when it is UTF-8', () => {
    const blob = new CloudEvent({ id: 'b-1', source: '/blobs', type: 'com.example.blob', data: Buffer.from('hello') });
    const [event] = mapped('cloudevents', requestFrom(HTTP.structured(blob))).events;
    expect(event?.input.context).toMatchObject({ data: 'hello', source_record: { data_base64: 'aGVsbG8=' } });
  });
});
