// What admins do with event matcher policies: list, read, create, replace, patch, delete,
// see where one is used, and test one against an event. Every change is audited in the same
// write as the change itself.
import { randomUUID } from 'node:crypto';
import type { Admin } from '../admins/admins.ts';
import { retryConflicts, VersionConflict } from '../conflicts.ts';
import { drfOrdering, searchTerms } from '../drf-list.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import { modelEvent, retentionDays } from '../events/audit.ts';
import { type Event, newEvent } from '../events/event.ts';
import { defaultPageSize, type Page, paginate } from '../pagination.ts';
import { matchEvent } from './match.ts';
import {
  criteriaNames,
  type MatcherPolicy,
  messages,
  normalUuid,
  type PolicyInput,
  type PolicyListQuery,
  PolicyNameTaken,
  type PolicyPatch,
  type PolicyTestInput,
  type PolicyView,
  policyView,
  type StoredMatcherPolicy,
} from './policy.ts';

/** What matcher policies need from the store (lib/store/matcher-policies.ts). */
export interface MatcherPolicyStore {
  exists(uuid: string): Promise<boolean>;
  /** The policy (criteria, `execution_logging`, version), or null when unknown. */
  get(uuid: string): Promise<StoredMatcherPolicy | null>;
  /** The uuid of the policy holding this name, or null. */
  nameHolder(name: string): Promise<string | null>;
  /** Every policy, in name order. */
  all(): Promise<StoredMatcherPolicy[]>;
  /** Creates the policy (version 1) with the audit event; PolicyNameTaken when the name is held. */
  create(policy: MatcherPolicy, audit: Event): Promise<StoredMatcherPolicy>;
  /** Replaces the policy if it is still at `previous.version` (else VersionConflict). */
  update(policy: MatcherPolicy, previous: StoredMatcherPolicy, audit: Event): Promise<StoredMatcherPolicy>;
  /** Deletes the policy if it is still at `previous.version` and no binding names it (else VersionConflict). */
  remove(previous: StoredMatcherPolicy, audit: Event): Promise<void>;
  /** The bindings counted on a policy (0 when none is kept). */
  linkCount(uuid: string): Promise<number>;
}

/** A binding whose `matcher_policy` condition names a policy. */
export interface PolicyUser {
  id: number;
  name: string;
}

export interface PolicyDeps {
  policies: Pick<MatcherPolicyStore, 'get' | 'all' | 'nameHolder' | 'create' | 'update' | 'remove' | 'linkCount'>;
  bindings: { usingPolicy(policyUuid: string): Promise<PolicyUser[]> };
}

export interface PolicyTestDeps {
  policies: Pick<MatcherPolicyStore, 'get'>;
  events: { get(id: string): Promise<Event | null> };
}

const auditModel = (policy: MatcherPolicy) => ({ model_name: 'eventmatcherpolicy', pk: policy.pk, name: policy.name });
const nameTaken = () => invalid('name', messages.nameTaken);

async function existing(
  deps: { policies: Pick<MatcherPolicyStore, 'get'> },
  uuidText: string,
): Promise<StoredMatcherPolicy> {
  const uuid = normalUuid(uuidText);
  const policy = uuid === null ? null : await deps.policies.get(uuid);
  if (!policy) throw notFound('event matcher policy');
  return withQuery(policy);
}

/** A policy stored before authentik 2026.8's `query` has none: null, as a new one without it. */
const withQuery = <T extends MatcherPolicy>(policy: T): T => ({ ...policy, query: policy.query ?? null });

/** Object-level rules, after the fields are valid: a criterion is set, the name is free. */
async function checkPolicy(deps: PolicyDeps, policy: MatcherPolicy) {
  if (criteriaNames.every((name) => policy[name] === null)) {
    throw invalid('', messages.noCriteria);
  }
  const holder = await deps.policies.nameHolder(policy.name);
  if (holder !== null && holder !== policy.pk) throw nameTaken();
}

async function view(deps: PolicyDeps, policy: MatcherPolicy): Promise<PolicyView> {
  return policyView(policy, (await deps.bindings.usingPolicy(policy.pk)).length);
}

const orderable = ['name', 'execution_logging', 'action', 'client_ip', 'app', 'model'] as const;
type Orderable = (typeof orderable)[number];

// Nulls last going up and first going down, as PostgreSQL orders them.
function compareBy(field: Orderable | 'name', a: MatcherPolicy, b: MatcherPolicy): number {
  const [x, y] = [a[field], b[field]];
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x < y ? -1 : 1;
}

export async function listPolicies(deps: PolicyDeps, query: PolicyListQuery): Promise<Page<PolicyView>> {
  // DRF's SearchFilter: every term is in the name, ignoring case.
  const terms = searchTerms(query.search);
  const exact = (['name', 'action', 'client_ip', 'app', 'model', 'query'] as const).filter(
    (key) => query[key] !== undefined,
  );
  const found = (await deps.policies.all())
    .map(withQuery)
    .filter(
      (policy) =>
        exact.every((key) => policy[key] === query[key]) &&
        (query.execution_logging === undefined || policy.execution_logging === query.execution_logging) &&
        terms.every((term) => policy.name.toLowerCase().includes(term)),
    )
    .sort(drfOrdering<MatcherPolicy, Orderable>(query.ordering, orderable, compareBy));
  const page = paginate(found, query.page, query.page_size ?? defaultPageSize);
  return { ...page, results: await Promise.all(page.results.map((policy) => view(deps, policy))) };
}

export async function readPolicy(deps: PolicyDeps, uuid: string): Promise<PolicyView> {
  return view(deps, await existing(deps, uuid));
}

export async function createPolicy(deps: PolicyDeps, input: PolicyInput, admin: string): Promise<PolicyView> {
  // A retry (after a transaction conflict) checks the name again, with a fresh id.
  const saved = await retryConflicts(async () => {
    const policy: MatcherPolicy = { pk: randomUUID(), ...input };
    await checkPolicy(deps, policy);
    try {
      return await deps.policies.create(policy, modelEvent('model_created', admin, auditModel(policy)));
    } catch (error) {
      throw error instanceof PolicyNameTaken ? nameTaken() : error;
    }
  });
  return policyView(saved, 0);
}

/** PUT replaces every field (omitted ones take their defaults); PATCH changes those given. */
export async function updatePolicy(
  deps: PolicyDeps,
  uuid: string,
  change: { replace: PolicyInput } | { patch: PolicyPatch },
  admin: string,
): Promise<PolicyView> {
  const saved = await retryConflicts(async () => {
    const previous = await existing(deps, uuid);
    const { version: _version, ...current } = previous;
    const policy: MatcherPolicy =
      'replace' in change ? { pk: previous.pk, ...change.replace } : { ...current, ...change.patch };
    await checkPolicy(deps, policy);
    try {
      return await deps.policies.update(policy, previous, modelEvent('model_updated', admin, auditModel(policy)));
    } catch (error) {
      throw error instanceof PolicyNameTaken ? nameTaken() : error;
    }
  });
  return view(deps, saved);
}

const boundMessage = (users: PolicyUser[]) =>
  users.length === 0
    ? "This policy is used by a binding; remove it from the binding's matcher_policy condition first."
    : `This policy is used by ${users.length === 1 ? 'binding' : 'bindings'} ${users
        .map((user) => `${user.id} ("${user.name}")`)
        .join(', ')}; remove it from their matcher_policy conditions first.`;

const bound = (users: PolicyUser[]) => invalid('', boundMessage(users));

/** Deletes a policy no binding names (ours: authentik would drop the bindings silently). */
export async function removePolicy(deps: PolicyDeps, uuid: string, admin: string): Promise<void> {
  await retryConflicts(async () => {
    const previous = await existing(deps, uuid);
    const users = await deps.bindings.usingPolicy(previous.pk);
    if (users.length > 0) throw bound(users);
    try {
      await deps.policies.remove(previous, modelEvent('model_deleted', admin, auditModel(previous)));
    } catch (error) {
      // The link count is exact where the index may lag: a binding committed just now.
      if (error instanceof VersionConflict && (await deps.policies.linkCount(previous.pk)) > 0) {
        throw bound(await deps.bindings.usingPolicy(previous.pk));
      }
      throw error;
    }
  });
}

export async function policyUsedBy(deps: PolicyDeps, uuid: string) {
  const policy = await existing(deps, uuid);
  return (await deps.bindings.usingPolicy(policy.pk)).map((user) => ({
    app: 'idp_event_hub',
    model_name: 'eventhandler',
    pk: String(user.id),
    name: user.name,
    action: 'cascade_many',
  }));
}

/**
 * Evaluates the policy against an inline event (never stored) or a stored one. A stored event is
 * read only for an admin who may read the log (`auditlog_read`): its pass or fail tells its
 * fields. Refused before any lookup, so a known and an unknown id answer alike.
 */
export async function testPolicy(
  deps: PolicyTestDeps,
  uuid: string,
  input: PolicyTestInput,
  { admin, now = new Date() }: { admin: Pick<Admin, 'actions'>; now?: Date },
) {
  if (input.event === undefined && !admin.actions.includes('auditlog_read')) {
    throw new DomainError('auth.forbidden', 'auditlog_read');
  }
  const policy = await existing(deps, uuid);
  let event: Event | null;
  if (input.event !== undefined) event = newEvent(input.event, now, retentionDays);
  else {
    const id = normalUuid(input.event_uuid ?? '');
    event = id === null ? null : await deps.events.get(id);
  }
  if (!event) throw notFound('event');
  const { passing, messages: matched } = matchEvent(policy, event);
  return { passing, messages: matched, log_messages: [] as unknown[] };
}
