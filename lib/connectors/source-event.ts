// The event input a source record becomes: the source names the app, the context keeps the record whole.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { isEventAction, maxActionLength } from '../events/actions.ts';
import type { EventInput, JsonObject } from '../events/event.ts';

/** What a kind read from one record; the context keys are documented in mapping.ts. */
export interface SourceEvent {
  kind: string;
  app: string;
  action: string;
  /** The vendor's record as received: `context.source_record`. */
  record: unknown;
  /** The source's own time, already normalized (`sourceTime`, `epochTime`): `context.source_time`. */
  time: string | undefined;
  user?: JsonObject | undefined;
  /** Kept only when it is an IP address. */
  clientIp?: unknown;
  /** The kind's own context keys; its own `source_kind`, `source_record` and `source_time` are dropped. */
  context?: JsonObject | undefined;
  brand?: JsonObject | undefined;
}

export function sourceEventInput(event: SourceEvent): EventInput {
  // The source keys are ours: a record's own keys of these names are dropped, not kept beside them.
  const { source_kind: _kind, source_record: _record, source_time: _time, ...own } = event.context ?? {};
  const context: JsonObject = {
    ...own,
    source_kind: event.kind,
    source_record: event.record,
    ...(event.time === undefined ? {} : { source_time: event.time }),
  };
  const user = event.user && Object.keys(event.user).length > 0 ? { user: event.user } : {};
  const clientIp =
    typeof event.clientIp === 'string' && isIP(event.clientIp) !== 0 ? { client_ip: event.clientIp } : {};
  const brand = event.brand ? { brand: event.brand } : {};
  return { action: event.action, app: event.app, context, ...user, ...clientIp, ...brand };
}

/** `{ username, pk }` from the strings that are given and not blank. */
export function sourceUser(username: unknown, pk: unknown): JsonObject | undefined {
  const user: JsonObject = {};
  if (typeof username === 'string' && username.trim() !== '') user.username = username;
  if (typeof pk === 'string' && pk.trim() !== '') user.pk = pk;
  return Object.keys(user).length > 0 ? user : undefined;
}

/**
 * `<prefix><name with every character but A–Z, a–z, 0–9 as _>`. A result longer than an action may
 * be keeps its first characters and ends in `_` and 8 hex digits of the SHA-256 of prefix and name,
 * so it is exactly `maxActionLength` long and the same name always gives the same action.
 */
export function customAction(prefix: string, name: string): string {
  const action = `${prefix}${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  if (action.length <= maxActionLength) return action;
  const hash = createHash('sha256').update(`${prefix}${name}`).digest('hex').slice(0, 8);
  return `${action.slice(0, maxActionLength - hash.length - 1)}_${hash}`;
}

/** The name itself when it is an authentik action (or `custom_…`), else `customAction('custom_', name)`. */
export const actionNamed = (name: string) => (isEventAction(name) ? name : customAction('custom_', name));

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;

/** An RFC 3339 timestamp as UTC ISO 8601 with milliseconds; anything else (or 31 September) is no time. */
export function sourceTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = rfc3339.exec(value);
  if (!parts) return undefined;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  const ms = Date.parse(
    value
      .toUpperCase()
      .replace(' ', 'T')
      .replace(/(\.\d{3})\d+/, '$1'),
  );
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Epoch milliseconds as UTC ISO 8601; anything else is no time. */
export function epochTime(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 8.64e15) return undefined;
  return new Date(value).toISOString();
}
