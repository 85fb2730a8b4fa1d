// What admins do with detection rules: list, read, create, replace, patch and delete. Every
// change is audited in the same write as the change itself.
import { randomUUID } from 'node:crypto';
import { retryConflicts } from '../conflicts.ts';
import { drfOrdering, searchTerms } from '../drf-list.ts';
import { invalid, notFound } from '../errors.ts';
import { modelEvent } from '../events/audit.ts';
import type { Event } from '../events/event.ts';
import { normalUuid } from '../matchers/policy.ts';
import { defaultPageSize, type Page, paginate } from '../pagination.ts';
import {
  type DetectionRule,
  messages,
  type RuleInput,
  type RuleListQuery,
  RuleNameTaken,
  type RulePatch,
  type RuleView,
  ruleView,
  type StoredDetectionRule,
} from './rule.ts';

/** What detection rules need from the store (lib/store/rules.ts). */
export interface RuleStore {
  /** The rule, or null when unknown. */
  get(uuid: string): Promise<StoredDetectionRule | null>;
  /** The uuid of the rule holding this name, or null. */
  nameHolder(name: string): Promise<string | null>;
  /** Every rule, in name order. */
  all(): Promise<StoredDetectionRule[]>;
  /** Creates the rule (version 1) with the audit event; RuleNameTaken when the name is held. */
  create(rule: DetectionRule, audit: Event): Promise<StoredDetectionRule>;
  /** Replaces the rule if it is still at `previous.version` (else VersionConflict). */
  update(rule: DetectionRule, previous: StoredDetectionRule, audit: Event): Promise<StoredDetectionRule>;
  /** Deletes the rule if it is still at `previous.version` (else VersionConflict). */
  remove(previous: StoredDetectionRule, audit: Event): Promise<void>;
}

export interface RuleDeps {
  rules: RuleStore;
}

const auditModel = (rule: DetectionRule) => ({ model_name: 'rule', pk: rule.pk, name: rule.name });
const nameTaken = () => invalid('name', messages.nameTaken);

/** The rule by its id in any of Django's UUID spellings; 404 when unknown. */
export async function existingRule(
  deps: { rules: Pick<RuleStore, 'get'> },
  uuidText: string,
): Promise<StoredDetectionRule> {
  const uuid = normalUuid(uuidText);
  const rule = uuid === null ? null : await deps.rules.get(uuid);
  if (!rule) throw notFound('rule');
  return rule;
}

/** Object-level checks, after the fields are valid: `field` fits the type, the name is free. */
async function checkRule(deps: RuleDeps, rule: DetectionRule) {
  if (rule.type === 'value_count' && rule.field === null) throw invalid('field', messages.fieldRequired);
  if (rule.type === 'event_count' && rule.field !== null) throw invalid('field', messages.fieldRefused);
  if (rule.field !== null && rule.group_by.includes(rule.field)) throw invalid('field', messages.fieldGrouped);
  const holder = await deps.rules.nameHolder(rule.name);
  if (holder !== null && holder !== rule.pk) throw nameTaken();
}

const named = async <T>(write: () => Promise<T>) => {
  try {
    return await write();
  } catch (error) {
    throw error instanceof RuleNameTaken ? nameTaken() : error;
  }
};

const orderable = ['name', 'enabled', 'type', 'severity', 'window', 'threshold', 'suppress_for'] as const;
export async function listRules(deps: RuleDeps, query: RuleListQuery): Promise<Page<RuleView>> {
  // DRF's SearchFilter: every term is in the name or the query, ignoring case.
  const terms = searchTerms(query.search);
  const found = (await deps.rules.all())
    .filter(
      (rule) =>
        (query.name === undefined || rule.name === query.name) &&
        (query.type === undefined || rule.type === query.type) &&
        (query.severity === undefined || rule.severity === query.severity) &&
        (query.enabled === undefined || rule.enabled === query.enabled) &&
        terms.every((term) => rule.name.toLowerCase().includes(term) || rule.query.toLowerCase().includes(term)),
    )
    .sort(drfOrdering<DetectionRule, (typeof orderable)[number]>(query.ordering, orderable));
  const page = paginate(found, query.page, query.page_size ?? defaultPageSize);
  return { ...page, results: page.results.map(ruleView) };
}

export async function readRule(deps: RuleDeps, uuid: string): Promise<RuleView> {
  return ruleView(await existingRule(deps, uuid));
}

export async function createRule(deps: RuleDeps, input: RuleInput, admin: string): Promise<RuleView> {
  // A retry (after a transaction conflict) checks the name again, with a fresh id.
  const saved = await retryConflicts(async () => {
    const rule: DetectionRule = { pk: randomUUID(), ...input };
    await checkRule(deps, rule);
    return named(() => deps.rules.create(rule, modelEvent('model_created', admin, auditModel(rule))));
  });
  return ruleView(saved);
}

/** PUT replaces every field (omitted ones take their defaults); PATCH changes those given. */
export async function updateRule(
  deps: RuleDeps,
  uuid: string,
  change: { replace: RuleInput } | { patch: RulePatch },
  admin: string,
): Promise<RuleView> {
  const saved = await retryConflicts(async () => {
    const previous = await existingRule(deps, uuid);
    const { version: _version, ...current } = previous;
    const rule: DetectionRule =
      'replace' in change ? { pk: previous.pk, ...change.replace } : { ...current, ...change.patch };
    await checkRule(deps, rule);
    return named(() => deps.rules.update(rule, previous, modelEvent('model_updated', admin, auditModel(rule))));
  });
  return ruleView(saved);
}

export async function removeRule(deps: RuleDeps, uuid: string, admin: string): Promise<void> {
  await retryConflicts(async () => {
    const previous = await existingRule(deps, uuid);
    await deps.rules.remove(previous, modelEvent('model_deleted', admin, auditModel(previous)));
  });
}
