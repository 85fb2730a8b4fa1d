// A Security Event Token's claims (RFC 8417 as SSF 1.0 §4 profiles it): one event, `sub_id` at the
// top level, `txn` the hub event it came from; no `sub`, no `exp`.
import { createHash } from 'node:crypto';
import { type Stream, type SubjectIdentifier, verificationEventType } from './stream.ts';

export interface SetClaims {
  iss: string;
  jti: string;
  iat: number;
  aud: string;
  txn?: string;
  sub_id: SubjectIdentifier;
  events: Record<string, Record<string, unknown>>;
}

export interface SetContent {
  /** The hub event's `pk`; none for a verification. */
  txn?: string;
  subject: SubjectIdentifier;
  type: string;
  payload: Record<string, unknown>;
}

export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function setClaims(stream: Pick<Stream, 'iss' | 'aud'>, content: SetContent, jti: string, now: Date): SetClaims {
  return {
    iss: stream.iss,
    jti,
    iat: epochSeconds(now),
    aud: stream.aud,
    ...(content.txn !== undefined && { txn: content.txn }),
    sub_id: content.subject,
    events: { [content.type]: content.payload },
  };
}

/** The verification event (SSF 1.0 §8.1.4.1): the stream itself is the subject, the state echoed. */
export function verificationContent(stream: Pick<Stream, 'stream_id'>, state: string | undefined): SetContent {
  return {
    subject: { format: 'opaque', id: stream.stream_id },
    type: verificationEventType,
    payload: state === undefined ? {} : { state },
  };
}

/**
 * The jti of the SET an event makes on a stream: a UUIDv7 of the event's time (queue order is
 * event order) whose other bits are a hash of stream and event, so a redelivered event makes the
 * same jti (the queue keeps one, a receiver drops a repeat).
 */
export function eventJti(streamId: string, eventPk: string, createdMs: number): string {
  const bytes = createHash('sha256').update(`${streamId}:${eventPk}`).digest().subarray(0, 16);
  bytes.writeUIntBE(createdMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
