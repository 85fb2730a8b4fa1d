// A Security Event Token's claims (RFC 8417 as SSF 1.0 §4 profiles it): one event, `sub_id` at the
// top level, `txn` the hub event it came from; no `sub`, no `exp`.
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
