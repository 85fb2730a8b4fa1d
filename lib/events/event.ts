// An event, stored once; the authentik view is its own shape, the Onegini view maps it.
import { isIP } from 'node:net';
import * as z from 'zod';
import { drf, missingOr } from '../drf-fields.ts';
import { ownKeysObject } from '../own-keys.ts';
import { isEventAction } from './actions.ts';
import { maskSecrets } from './secrets.ts';
import { uuid7 } from './uuid7.ts';
import type { eventShape } from './views.ts';

export type JsonObject = Record<string, unknown>;

/** A stored event, as authentik answers it: the type of its answer shape (lib/events/views.ts). */
export type Event = z.output<typeof eventShape>;

const isoDatetime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseDrfDatetime(value: string): Date | null {
  if (!isoDatetime.test(value)) return null;
  const date = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

// Kept as written: a `__proto__` key is data (the README says such keys are kept).
const dict = ownKeysObject((_value): _value is unknown => true, { error: missingOr(drf.dict) });

export const eventActionField = z
  .string({ error: missingOr(drf.string) })
  .refine(isEventAction, { error: (issue) => drf.choice(issue.input) });

export const ipField = z.string({ error: missingOr(drf.ip) }).refine((v) => isIP(v) !== 0, { error: drf.ip });

/** The body of `POST /events/events/`. Read-only fields a client echoes back are ignored. */
export const eventInput = z.strictObject(
  {
    pk: z.unknown().optional(),
    created: z.unknown().optional(),
    user: dict.optional(),
    action: eventActionField,
    app: z
      .string({ error: missingOr(drf.string) })
      .trim()
      .min(1, { error: drf.blank }),
    context: dict.optional(),
    client_ip: ipField.nullable().optional(),
    expires: z
      .string({ error: missingOr(drf.datetime) })
      .refine((v) => parseDrfDatetime(v) !== null, { error: drf.datetime })
      .optional(),
    brand: dict.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? drf.unknown
        : issue.input === undefined
          ? 'No data provided'
          : drf.invalidData,
  },
);

export type EventInput = z.infer<typeof eventInput>;

/** The event with the secrets in its context, user and brand masked (lib/events/secrets.ts). */
export function maskedEvent(event: Event): Event {
  return {
    ...event,
    user: maskSecrets(event.user) as JsonObject,
    context: maskSecrets(event.context) as JsonObject,
    brand: maskSecrets(event.brand) as JsonObject,
  };
}

/** Builds the event to store: id and time are ours, secrets in context, user and brand are masked. */
export function newEvent(input: EventInput, now: Date, retentionDays: number): Event {
  const expires = input.expires
    ? (parseDrfDatetime(input.expires) as Date)
    : new Date(now.getTime() + retentionDays * 86_400_000);
  return maskedEvent({
    pk: uuid7(now.getTime()),
    user: input.user ?? {},
    action: input.action,
    app: input.app,
    context: input.context ?? {},
    client_ip: input.client_ip ?? null,
    created: now.toISOString(),
    expires: expires.toISOString(),
    brand: input.brand ?? {},
  });
}

/** The actor (Onegini `actor`, authentik `username`): the subject's username. */
export function eventActor(event: Pick<Event, 'user'>): string | undefined {
  const username = event.user.username;
  return typeof username === 'string' && username !== '' ? username : undefined;
}

/** The person (Onegini `userId`): `context.person_id`, else `user.pk`. */
export function eventPerson(event: Pick<Event, 'user' | 'context'>): string | undefined {
  const id = event.context.person_id ?? event.user.pk;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
