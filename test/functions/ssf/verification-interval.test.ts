// A receiver's verification requests are spaced by the stream's min_verification_interval
// (SSF 1.0 §8.1.1, §8.1.4.2): sooner is 429 in the SSF shape with Retry-After, queues nothing,
// and two requests at once pass one; the field is the transmitter's (read-only on update).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  process.env.SSF_MIN_VERIFICATION_INTERVAL_S = '2';
  service = await startService();
});
afterAll(() => service?.close());

const newStream = async () => {
  const answer = await service.call('POST', '/ssf/stream', { json: {} });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { stream_id: string; min_verification_interval: number; delivery: { endpoint_url: string } };
};
const verify = (streamId: string, state: string) =>
  service.call('POST', '/ssf/verify', { json: { stream_id: streamId, state } });
const queued = async (stream: { delivery: { endpoint_url: string } }) => {
  const path = new URL(stream.delivery.endpoint_url).pathname;
  const answer = await service.call('POST', path, { json: { returnImmediately: true, maxEvents: 100 } });
  return Object.keys(answer.body.sets).length;
};

describe('min_verification_interval', () => {
  it('is in the configuration; a request sooner is 429 with Retry-After and queues nothing; later passes', async () => {
    const stream = await newStream();
    expect(stream.min_verification_interval).toBe(2);
    expect((await verify(stream.stream_id, 'first')).status).toBe(204);
    const soon = await verify(stream.stream_id, 'too soon');
    expect(soon.status, soon.text).toBe(429);
    expect(soon.body).toEqual({
      err: 'too_many_requests',
      description: expect.stringContaining('min_verification_interval'),
    });
    expect(Number(soon.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(soon.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect(await queued(stream)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_050));
    expect((await verify(stream.stream_id, 'later')).status).toBe(204);
    expect(await queued(stream)).toBe(2);
  });

  it('lets one of several requests at once through', async () => {
    const stream = await newStream();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => verify(stream.stream_id, `at once ${i}`)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 429, 429, 429, 429, 429]);
    expect(await queued(stream)).toBe(1);
  });

  it('is read-only: echoed as it is, a PATCH changing it is 400 and changes nothing', async () => {
    const stream = await newStream();
    const echoed = await service.call('PATCH', '/ssf/stream', {
      json: { stream_id: stream.stream_id, min_verification_interval: 2, description: 'echoed' },
    });
    expect(echoed.status, echoed.text).toBe(200);
    const changed = await service.call('PATCH', '/ssf/stream', {
      json: { stream_id: stream.stream_id, min_verification_interval: 0, description: 'changed' },
    });
    expect(changed.status, changed.text).toBe(400);
    expect(changed.body).toEqual({
      err: 'invalid_request',
      description: expect.stringContaining('min_verification_interval'),
    });
    const read = await service.call('GET', `/ssf/stream?stream_id=${stream.stream_id}`);
    expect(read.body).toMatchObject({ description: 'echoed', min_verification_interval: 2 });
  });

  it('is another admin’s stream: 404 before any wait is counted', async () => {
    const stream = await newStream();
    const other = await service.admin('interval-other', ['eventhandling_write']);
    const answer = await service.call('POST', '/ssf/verify', { token: other, json: { stream_id: stream.stream_id } });
    expect(answer.status).toBe(404);
    expect((await verify(stream.stream_id, 'owner')).status).toBe(204);
  });
});
