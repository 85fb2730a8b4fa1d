// The terms an event can be found by: each list filter that an index answers, and `all`.
// docs/data-model.md says how each is stored and what reading it costs.
import ipaddr from 'ipaddr.js';
import { valueAtPath } from '../own-keys.ts';
import { type Event, eventActor, eventPerson } from './event.ts';

export const termKinds = [
  'all',
  'action',
  'actor',
  'person',
  'brand',
  'client_ip',
  'model_app',
  'model_name',
  'model_pk',
  'authorized_app',
  'device',
  // Onegini's actor and userId together; the seal derives it from `actor` and `person`.
  'actor_person',
] as const;

export type TermKind = (typeof termKinds)[number];

export interface Term {
  readonly kind: TermKind;
  readonly value: string;
}

export const allEvents: Term = { kind: 'all', value: '' };

/** The events of one actor about one person (Onegini `actor` and `userId` together). */
export const actorPersonTerm = (actor: string, person: string): Term => ({
  kind: 'actor_person',
  value: JSON.stringify([actor, person]),
});

/** The actor and person of an `actor_person` term. */
export const actorPersonOf = (term: Term) => JSON.parse(term.value) as [actor: string, person: string];

const at = (value: unknown, ...keys: string[]): unknown => valueAtPath(value, keys);

/** A scalar as the list filters compare it (`String(value)`); objects and null are not terms. */
const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

/** A model or device pk as `context_model_pk` and `context_device` compare it: without dashes. */
export const modelPkTerm = (value: string) => value.replaceAll('-', '');

/** An address as one spelling: `2001:DB8::1` and `2001:db8:0::1` are the same term. */
export const ipTerm = (ip: string) => (ipaddr.isValid(ip) ? ipaddr.parse(ip).toString() : ip);

/** Every term of an event that an index holds, `all` first (`actor_person` is derived from two of them). */
export function eventTerms(event: Event): Term[] {
  const modelPk = scalar(at(event.context, 'model', 'pk'));
  const devicePk = scalar(at(event.context, 'device', 'pk'));
  const values: [TermKind, string | undefined][] = [
    ['action', event.action],
    ['actor', eventActor(event)],
    ['person', eventPerson(event)],
    ['brand', scalar(at(event.brand, 'name'))],
    ['client_ip', event.client_ip === null ? undefined : ipTerm(event.client_ip)],
    ['model_app', scalar(at(event.context, 'model', 'app'))],
    ['model_name', scalar(at(event.context, 'model', 'model_name'))],
    ['model_pk', modelPk === undefined ? undefined : modelPkTerm(modelPk)],
    ['authorized_app', scalar(at(event.context, 'authorized_application', 'pk'))],
    ['device', devicePk === undefined ? undefined : modelPkTerm(devicePk)],
  ];
  const terms: Term[] = [allEvents];
  for (const [kind, value] of values) if (value !== undefined) terms.push({ kind, value });
  return terms;
}
