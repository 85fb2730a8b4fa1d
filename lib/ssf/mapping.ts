// Which hub events become which CAEP / RISC events: one table, one row per mapping (the README
// shows it, a test takes it row by row). A row names the hub action, when it applies, whose
// account is the subject and the event's own claims.
import type { Event } from '../events/event.ts';
import { ruleFireAction } from '../rules/evaluate.ts';
import type { SetContent } from './set.ts';
import { eventTypes, type SubjectIdentifier } from './stream.ts';

type Json = Record<string, unknown>;

/** The account an event is about: the one a SET's subject names. */
export interface Account {
  pk?: unknown;
  email?: unknown;
}

export interface MappingRow {
  /** The hub event's action. */
  action: string;
  /** What else must hold, in words (the README's table). */
  when: string;
  type: string;
  applies(event: Event): boolean;
  account(event: Event): Account | null;
  /** The event's claims besides `event_timestamp`. */
  claims(event: Event): Json;
}

const object = (value: unknown): Json | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;

/** A user record changed in authentik's words: `context.model` names the user, the change in `context.diff`. */
function changedUser(event: Event): Json | null {
  const model = object(object(event.context)?.model);
  return model?.app === 'authentik_core' && model.model_name === 'user' ? model : null;
}

/** `context.diff.is_active.new_value` of a user change, or undefined. */
function activeAfter(event: Event): unknown {
  return object(object(object(event.context)?.diff)?.is_active)?.new_value;
}

const theUser = (event: Event): Account | null => object(event.user);
/** A model change's subject is the changed account (by its pk), never the admin who acted. */
const theChangedUser = (event: Event): Account | null => {
  const model = changedUser(event);
  return model ? { pk: model.pk } : null;
};

const reasonAdmin = (en: string) => ({ reason_admin: { en } });

/** A detection rule's severity as a CAEP risk level. */
export const riskLevels = { notice: 'LOW', warning: 'MEDIUM', alert: 'HIGH' } as const;

function ruleOf(event: Event): { name: string; level: string } {
  const rule = object(object(event.context)?.rule);
  const severity = typeof rule?.severity === 'string' ? rule.severity : 'warning';
  return {
    name: typeof rule?.name === 'string' ? rule.name : 'a detection rule',
    level: riskLevels[severity as keyof typeof riskLevels] ?? 'MEDIUM',
  };
}

export const mappingTable: readonly MappingRow[] = [
  {
    action: 'logout',
    when: 'always',
    type: eventTypes.sessionRevoked,
    applies: () => true,
    account: theUser,
    claims: () => ({ initiating_entity: 'user', ...reasonAdmin('The user logged out') }),
  },
  {
    action: 'password_set',
    when: 'always',
    type: eventTypes.credentialChange,
    applies: () => true,
    account: theUser,
    claims: () => ({
      credential_type: 'password',
      change_type: 'update',
      initiating_entity: 'user',
      ...reasonAdmin('The password was set'),
    }),
  },
  {
    action: 'model_updated',
    when: 'a user (`context.model`) whose `context.diff.is_active.new_value` is false',
    type: eventTypes.accountDisabled,
    applies: (event) => changedUser(event) !== null && activeAfter(event) === false,
    account: theChangedUser,
    claims: () => ({ ...reasonAdmin('An administrator deactivated the account') }),
  },
  {
    action: 'model_updated',
    when: 'a user (`context.model`) whose `context.diff.is_active.new_value` is true',
    type: eventTypes.accountEnabled,
    applies: (event) => changedUser(event) !== null && activeAfter(event) === true,
    account: theChangedUser,
    claims: () => ({ ...reasonAdmin('An administrator activated the account') }),
  },
  {
    action: 'model_deleted',
    when: 'a user (`context.model`)',
    type: eventTypes.accountPurged,
    applies: (event) => changedUser(event) !== null,
    account: theChangedUser,
    claims: () => ({ ...reasonAdmin('An administrator deleted the account') }),
  },
  {
    action: 'login',
    when: 'only to streams that request session-established',
    type: eventTypes.sessionEstablished,
    applies: () => true,
    account: theUser,
    claims: (event) => (event.client_ip ? { ips: [event.client_ip] } : {}),
  },
  {
    action: ruleFireAction,
    when: 'a detection rule fired (issue 22); `current_level` from its severity: notice LOW, warning MEDIUM, alert HIGH',
    type: eventTypes.riskLevelChange,
    applies: () => true,
    account: theUser,
    claims: (event) => {
      const rule = ruleOf(event);
      return {
        principal: 'USER',
        current_level: rule.level,
        risk_reason: rule.name,
        ...reasonAdmin(`Detection rule ${rule.name} reached its threshold`),
      };
    },
  },
];

/** The actions some row maps: any other event costs the fan-out nothing. */
export const mappedActions: ReadonlySet<string> = new Set(mappingTable.map((row) => row.action));

/** `{format: email}` when the account has an email, else `{format: iss_sub}` by its pk; null with neither. */
export function subjectOf(account: Account, issuer: string): SubjectIdentifier | null {
  if (typeof account.email === 'string' && account.email.includes('@'))
    return { format: 'email', email: account.email };
  if ((typeof account.pk === 'string' && account.pk !== '') || typeof account.pk === 'number') {
    return { format: 'iss_sub', iss: issuer, sub: String(account.pk) };
  }
  return null;
}

/** Every identifier a removed subject may name the account by (email and iss_sub). */
export function identifiersOf(account: Account, issuer: string): SubjectIdentifier[] {
  const found: SubjectIdentifier[] = [];
  if (typeof account.email === 'string' && account.email.includes('@'))
    found.push({ format: 'email', email: account.email });
  if ((typeof account.pk === 'string' && account.pk !== '') || typeof account.pk === 'number') {
    found.push({ format: 'iss_sub', iss: issuer, sub: String(account.pk) });
  }
  return found;
}

/** What the event becomes (the first row that applies), for an issuer; null when nothing, or no account. */
export function signalOf(event: Event, issuer: string): (SetContent & { identifiers: SubjectIdentifier[] }) | null {
  const row = mappingTable.find((candidate) => candidate.action === event.action && candidate.applies(event));
  const account = row?.account(event);
  if (!row || !account) return null;
  const subject = subjectOf(account, issuer);
  if (!subject) return null;
  return {
    txn: event.pk,
    subject,
    identifiers: identifiersOf(account, issuer),
    type: row.type,
    payload: { event_timestamp: Math.floor(Date.parse(event.created) / 1000), ...row.claims(event) },
  };
}
