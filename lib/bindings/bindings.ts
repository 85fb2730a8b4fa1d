// What admins do with bindings: create or fully update (privacyIDEA's POST /event), partial
// update (ours), enable, disable, delete, read. Every change is audited in the same write.

import { retryConflicts, VersionConflict } from '../conflicts.ts';
import { DomainError } from '../errors.ts';
import { modelEvent } from '../events/audit.ts';
import type { Event } from '../events/event.ts';
import { hiddenValue, parseBoolean } from '../handlers/modules.ts';
import { ownValue, setOwnKey } from '../own-keys.ts';
import {
  type Binding,
  byOrdering,
  conditionsNotDict,
  maxOrdering,
  type Position,
  parameterError,
  parseBindingId,
  parseEventNames,
  parseFlatMap,
  parseInteger,
  type StoredBinding,
} from './binding.ts';
import { bindingView } from './binding-view.ts';
import { policyUuidsOf } from './conditions.ts';
import { validateBinding } from './validation.ts';

/** What bindings need from the store (lib/store/bindings.ts). */
export interface BindingStore {
  /** The next free id (ids never collide between concurrent creates). */
  nextId(): Promise<number>;
  /** After a create with an explicit id, later generated ids stay above it. */
  raiseSequence(id: number): Promise<void>;
  get(id: number): Promise<StoredBinding | null>;
  all(): Promise<StoredBinding[]>;
  /** Active bindings for one event name and position, in ordering then id order. */
  forEvent(position: Position, eventName: string): Promise<Binding[]>;
  /** The bindings whose matcher_policy condition names this policy. */
  usingPolicy(policyUuid: string): Promise<{ id: number; name: string }[]>;
  /**
   * Writes the binding (version = expected + 1) with its links and an audit event, in one
   * write. `expectedVersion` null means the id must be new.
   */
  write(binding: Binding, expectedVersion: number | null, audit: Event): Promise<StoredBinding>;
  /** Deletes the binding and its links, if it is still at `expectedVersion`. */
  remove(id: number, expectedVersion: number, audit: Event): Promise<void>;
}

export interface PolicyDirectory {
  exists(uuid: string): Promise<boolean>;
}

export interface BindingDeps {
  bindings: BindingStore;
  policies: PolicyDirectory;
}

const model = (binding: Binding) => ({ model_name: 'eventhandler', pk: binding.id, name: binding.name });
export const bindingNotFound = () => new DomainError('notFound', 'The requested EventHandler could not be found.');

/** Write-only options sent back as `__HIDDEN__` keep their stored value. */
function keepHidden(options: Record<string, string>, previous: StoredBinding | null): Record<string, string> {
  const kept = { ...options };
  for (const [name, value] of Object.entries(options)) {
    if (value !== hiddenValue) continue;
    const stored = ownValue(previous?.options, name);
    if (stored === undefined) delete kept[name];
    else setOwnKey(kept, name, stored);
  }
  return kept;
}

async function checkPolicies(deps: BindingDeps, binding: Binding) {
  for (const uuid of policyUuidsOf(binding.conditions)) {
    if (!(await deps.policies.exists(uuid))) {
      throw parameterError(`conditions.matcher_policy: no event matcher policy ${uuid}`);
    }
  }
}

// `condition` (legacy) and a nested `options` object are accepted and ignored, as privacyIDEA does.
const saveParameters = new Set([
  'id',
  'name',
  'event',
  'handlermodule',
  'action',
  'position',
  'ordering',
  'active',
  'abort_on_error',
  'conditions',
  'condition',
  'options',
]);

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

/** privacyIDEA's POST /event: create, or replace every field of the binding with `id`. */
export async function saveBinding(deps: BindingDeps, params: Record<string, unknown>, admin: string): Promise<number> {
  for (const name of ['name', 'event', 'handlermodule', 'action']) {
    if (!present(params[name])) throw parameterError(`Missing parameter: ${name}`);
  }
  const conditions = parseFlatMap('conditions', params.conditions ?? {}, conditionsNotDict);
  const unknown = Object.keys(params).find((key) => !saveParameters.has(key) && !key.startsWith('option.'));
  if (unknown !== undefined) throw parameterError(`Unknown parameter: ${unknown}`);
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith('option.')) continue;
    if (value === null || typeof value === 'object') throw parameterError(`${key}: must be a string`);
    setOwnKey(options, key.slice('option.'.length), String(value));
  }
  const id = present(params.id) ? parseBindingId('id', params.id) : null;
  const draft = {
    name: String(params.name),
    active: present(params.active) ? parseBoolean('active', params.active) : true,
    ordering: present(params.ordering) ? parseInteger('ordering', params.ordering, 0, maxOrdering) : 0,
    position: (present(params.position) ? String(params.position) : 'post') as Binding['position'],
    action: String(params.action),
    condition: '' as const,
    event: parseEventNames(params.event),
    handlermodule: String(params.handlermodule),
    conditions,
  };
  const abortOnError = present(params.abort_on_error)
    ? parseBoolean('abort_on_error', params.abort_on_error)
    : undefined;

  return retryConflicts(async () => {
    const previous = id === null ? null : await deps.bindings.get(id);
    const binding: Binding = {
      ...draft,
      id: id ?? 0,
      abort_on_error: abortOnError ?? previous?.abort_on_error ?? false,
      options: keepHidden(options, previous),
    };
    await validateBinding(binding);
    await checkPolicies(deps, binding);
    // An id is taken only for a valid binding: refused input changes nothing, not even the sequence.
    if (id === null) binding.id = await deps.bindings.nextId();
    const audit = modelEvent(previous ? 'model_updated' : 'model_created', admin, model(binding));
    await deps.bindings.write(binding, previous?.version ?? null, audit);
    if (id !== null && !previous) await deps.bindings.raiseSequence(id);
    return binding.id;
  });
}

/** A partial update (ours): only the given fields change; options/conditions merge key by key, null removes. */
export interface BindingPatch {
  name?: string;
  event?: string[] | string;
  handlermodule?: string;
  action?: string;
  position?: string;
  ordering?: number | string;
  active?: boolean | string | number;
  abort_on_error?: boolean | string | number;
  options?: Record<string, string | null>;
  conditions?: Record<string, string | null>;
}

function merge(base: Record<string, string>, patch: Record<string, string | null> | undefined) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete merged[key];
    else setOwnKey(merged, key, value);
  }
  return merged;
}

/** A PATCH of a binding: its fields, the version it expects (If-Match, or null), the admin making it. */
export interface BindingPatchRequest {
  readonly patch: BindingPatch;
  readonly ifMatch: number | null;
  readonly admin: string;
}

export async function patchBinding(deps: BindingDeps, id: number, { patch, ifMatch, admin }: BindingPatchRequest) {
  const attempt = async () => {
    const previous = await deps.bindings.get(id);
    if (!previous) throw bindingNotFound();
    if (ifMatch !== null && previous.version !== ifMatch) throw preconditionFailed(previous.version);
    const binding: Binding = {
      ...bindingView(previous),
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.event !== undefined && { event: parseEventNames(patch.event) }),
      ...(patch.handlermodule !== undefined && { handlermodule: patch.handlermodule }),
      ...(patch.action !== undefined && { action: patch.action }),
      ...(patch.position !== undefined && { position: patch.position as Binding['position'] }),
      ...(patch.ordering !== undefined && { ordering: parseInteger('ordering', patch.ordering, 0, maxOrdering) }),
      ...(patch.active !== undefined && { active: parseBoolean('active', patch.active) }),
      ...(patch.abort_on_error !== undefined && {
        abort_on_error: parseBoolean('abort_on_error', patch.abort_on_error),
      }),
      options: keepHidden(merge(previous.options, patch.options), previous),
      conditions: merge(previous.conditions, patch.conditions),
    };
    await validateBinding(binding);
    await checkPolicies(deps, binding);
    try {
      return await deps.bindings.write(binding, previous.version, modelEvent('model_updated', admin, model(binding)));
    } catch (error) {
      if (error instanceof VersionConflict && ifMatch !== null) throw preconditionFailed(null);
      throw error;
    }
  };
  return ifMatch === null ? retryConflicts(attempt) : attempt();
}

export const preconditionFailed = (current: number | null) =>
  new DomainError(
    'precondition.failed',
    `The binding has changed since it was read${current === null ? '' : ` (current version ${current})`}; read it again.`,
  );

export async function setBindingActive(deps: BindingDeps, id: number, active: boolean, admin: string) {
  return retryConflicts(async () => {
    const previous = await deps.bindings.get(id);
    if (!previous) throw bindingNotFound();
    const binding = { ...bindingView(previous), options: previous.options, active };
    await deps.bindings.write(binding, previous.version, modelEvent('model_updated', admin, model(binding)));
    return id;
  });
}

export async function removeBinding(deps: BindingDeps, id: number, admin: string) {
  return retryConflicts(async () => {
    const previous = await deps.bindings.get(id);
    if (!previous) throw bindingNotFound();
    await deps.bindings.remove(id, previous.version, modelEvent('model_deleted', admin, model(previous)));
    return id;
  });
}

/** privacyIDEA's order: ordering ascending, then id. */
export async function listBindings(deps: Pick<BindingDeps, 'bindings'>) {
  const all = await deps.bindings.all();
  return all.sort(byOrdering).map(bindingView);
}

export async function readBinding(deps: Pick<BindingDeps, 'bindings'>, id: number) {
  const binding = await deps.bindings.get(id);
  return binding ? { binding: bindingView(binding), version: binding.version } : null;
}
