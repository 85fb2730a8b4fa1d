// What the push tests share as a receiver: a SET received is checked as RFC 8935 sends it and
// verified with jose against the JWKS; a push's entry in the delivery ledger.
import { type createLocalJWKSet, jwtVerify } from 'jose';
import { expect } from 'vitest';
import type { Service } from '../../helpers/service.ts';
import type { Received } from '../../lib/handlers/http-sink.ts';

export interface PushStream {
  stream_id: string;
  iss: string;
  aud: string;
}

/** The claims of a SET a receiver got: POSTed as application/secevent+jwt, signed for the stream. */
export async function receivedSet(
  jwks: ReturnType<typeof createLocalJWKSet>,
  stream: PushStream,
  request: Received,
): Promise<Record<string, any>> {
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/secevent+jwt');
  const { payload } = await jwtVerify(request.body, jwks, {
    issuer: stream.iss,
    audience: stream.aud,
    typ: 'secevent+jwt',
    algorithms: ['RS256'],
  });
  return payload as Record<string, any>;
}

/** The ledger's entry of a push, `<event pk>.0.push_<stream id>`, as GET /event/deliveries lists it. */
export async function pushDelivery(service: Service, event: string, streamId: string) {
  const answer = await service.call('GET', `/event/deliveries?event=${event}`);
  expect(answer.status, answer.text).toBe(200);
  const id = `${event}.0.push_${streamId}`;
  return (answer.body.result.value as { id: string }[]).find((found) => found.id === id) as Record<string, any>;
}
