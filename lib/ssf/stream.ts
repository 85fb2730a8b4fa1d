// An SSF 1.0 event stream (§8.1.1): its stored form, what a receiver may send, and its view.
import * as z from 'zod';

export const pushMethod = 'urn:ietf:rfc:8935';
export const pollMethod = 'urn:ietf:rfc:8936';

const caep = 'https://schemas.openid.net/secevent/caep/event-type/';
const risc = 'https://schemas.openid.net/secevent/risc/event-type/';

/** The event types this transmitter sends (lib/ssf/mapping.ts says from which hub events). */
export const eventTypes = {
  sessionRevoked: `${caep}session-revoked`,
  sessionEstablished: `${caep}session-established`,
  credentialChange: `${caep}credential-change`,
  riskLevelChange: `${caep}risk-level-change`,
  accountDisabled: `${risc}account-disabled`,
  accountEnabled: `${risc}account-enabled`,
  accountPurged: `${risc}account-purged`,
} as const;

export const verificationEventType = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

export const eventsSupported: readonly string[] = Object.values(eventTypes);

/** Sent only to streams that ask for them by name (a login is frequent and rarely wanted). */
export const onlyWhenRequested: readonly string[] = [eventTypes.sessionEstablished];

export const streamStatuses = ['enabled', 'paused', 'disabled'] as const;
export type StreamStatus = (typeof streamStatuses)[number];

export type Delivery =
  | { method: typeof pushMethod; endpoint_url: string; authorization_header?: string }
  | { method: typeof pollMethod; endpoint_url: string };

/** A stream as stored: the receiver's choices, the transmitter's, and whose it is. */
export interface Stream {
  stream_id: string;
  /** The admin that created it: no other admin sees it. */
  owner: string;
  /** The issuer (the base URL) the stream was created at: its SETs carry it. */
  iss: string;
  aud: string;
  delivery: Delivery;
  events_requested?: string[];
  description?: string;
  status: StreamStatus;
  reason?: string;
  created: string;
  /** Seconds a receiver waits between verification requests (SSF 1.0 §8.1.1, transmitter-supplied); absent: no wait. */
  min_verification_interval?: number;
  /** Set when the stream is disabled: SETs held with a smaller jti are dropped, not released (lib/ssf/release.ts). */
  drop_held_before?: string;
}

export interface StoredStream extends Stream {
  version: number;
  /** Held SETs may be left (a push stream enabled or disabled after a pause): new SETs join them (lib/ssf/hold.ts). */
  holding: boolean;
  /** How many SETs were ever held: the release ends `holding` only if none was held since it looked. */
  holds: number;
}

const streamIdPattern = /^[0-9a-f]{32}$/;
export const streamIdField = z.string().regex(streamIdPattern, 'not a stream id');

const httpUrl = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'an http(s) URL without credentials');

export const deliveryInput = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal(pushMethod),
    endpoint_url: httpUrl,
    authorization_header: z.string().min(1).max(4096).optional(),
  }),
  // The poll URL is the transmitter's: a receiver may echo it back, never choose it.
  z.strictObject({ method: z.literal(pollMethod), endpoint_url: z.string().max(2048).optional() }),
]);
export type DeliveryInput = z.output<typeof deliveryInput>;

const eventsRequested = z.array(z.string().min(1).max(256)).max(64);
const description = z.string().max(1024);

/** The receiver-supplied fields (§8.1.1). */
const receiverFields = {
  delivery: deliveryInput.optional(),
  events_requested: eventsRequested.optional(),
  description: description.optional(),
};

/** Transmitter-supplied fields a receiver may echo back: they must equal the stream's own. */
const echoedFields = {
  iss: z.string().max(2048).optional(),
  aud: z.union([z.string().max(2048), z.array(z.string().max(2048)).max(8)]).optional(),
  events_supported: z.array(z.string().max(256)).max(64).optional(),
  events_delivered: z.array(z.string().max(256)).max(64).optional(),
  min_verification_interval: z.number().int().min(0).max(86_400).optional(),
};

export const streamCreateInput = z.strictObject(receiverFields);
export type StreamCreateInput = z.output<typeof streamCreateInput>;

export const streamUpdateInput = z.strictObject({ stream_id: streamIdField, ...receiverFields, ...echoedFields });
export type StreamUpdateInput = z.output<typeof streamUpdateInput>;

export const streamIdQuery = z.strictObject({ stream_id: streamIdField });
export const optionalStreamIdQuery = z.strictObject({ stream_id: streamIdField.optional() });

export const statusInput = z.strictObject({
  stream_id: streamIdField,
  status: z.enum(streamStatuses),
  reason: z.string().max(1024).optional(),
});
export type StatusInput = z.output<typeof statusInput>;

export const subjectIdentifier = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('email'), email: z.string().min(3).max(320).includes('@') }),
  z.strictObject({ format: z.literal('iss_sub'), iss: z.string().min(1).max(2048), sub: z.string().min(1).max(512) }),
  z.strictObject({ format: z.literal('opaque'), id: z.string().min(1).max(512) }),
]);
export type SubjectIdentifier = z.output<typeof subjectIdentifier>;

export const subjectInput = z.strictObject({
  stream_id: streamIdField,
  subject: subjectIdentifier,
  verified: z.boolean().optional(),
});
export type SubjectInput = z.output<typeof subjectInput>;

export const verificationInput = z.strictObject({ stream_id: streamIdField, state: z.string().max(1024).optional() });
export type VerificationInput = z.output<typeof verificationInput>;

/** The types a stream sends: requested ∩ supported; without a request every supported type but the opt-in ones. */
export function eventsDelivered(requested: readonly string[] | undefined): string[] {
  if (requested === undefined) return eventsSupported.filter((type) => !onlyWhenRequested.includes(type));
  return eventsSupported.filter((type) => requested.includes(type));
}

const deliveryShape = z.union([
  z.object({ method: z.literal(pushMethod), endpoint_url: z.string() }),
  z.object({ method: z.literal(pollMethod), endpoint_url: z.string() }),
]);

/** A stream's configuration as a receiver reads it (the push authorization header is never answered). */
export const streamConfigurationShape = z.object({
  stream_id: z.string(),
  iss: z.string(),
  aud: z.string(),
  delivery: deliveryShape,
  events_supported: z.array(z.string()),
  events_requested: z.array(z.string()).optional(),
  events_delivered: z.array(z.string()),
  description: z.string().optional(),
  min_verification_interval: z.number().int().min(0).max(86_400).optional(),
});
export type StreamConfiguration = z.output<typeof streamConfigurationShape>;

export function streamConfiguration(stream: Stream): StreamConfiguration {
  return {
    stream_id: stream.stream_id,
    iss: stream.iss,
    aud: stream.aud,
    delivery: {
      method: stream.delivery.method,
      endpoint_url: stream.delivery.endpoint_url,
    } as StreamConfiguration['delivery'],
    events_supported: [...eventsSupported],
    ...(stream.events_requested !== undefined && { events_requested: stream.events_requested }),
    events_delivered: eventsDelivered(stream.events_requested),
    ...(stream.description !== undefined && { description: stream.description }),
    ...(stream.min_verification_interval !== undefined && {
      min_verification_interval: stream.min_verification_interval,
    }),
  };
}

export const streamStatusShape = z.object({
  stream_id: z.string(),
  status: z.enum(streamStatuses),
  reason: z.string().optional(),
});

export const streamStatusOf = (stream: Stream) => ({
  stream_id: stream.stream_id,
  status: stream.status,
  ...(stream.reason !== undefined && { reason: stream.reason }),
});
