// RequestMangler (pre only): delete or set a field of the incoming event before it is stored.
// Dotted paths reach into user, context and brand; the event's identity (pk, action, created,
// expires) is not the mangler's to change.
import { isIP } from 'node:net';
import type { Event } from '../events/event.ts';
import { hasOwnKey, ownValue, setOwnKey, valueAtPath } from '../own-keys.ts';
import { compilePattern, type Pattern } from '../patterns.ts';
import { PermanentFailure } from './failure.ts';

const fixed = new Set(['pk', 'action', 'created', 'expires']);

/**
 * Keys a dotted path may name below its root: an event nests ≤ 32 levels as ingest takes it
 * (the event itself and its root object count), so a set cannot build one deeper (issue 25 item 5).
 */
export const maxPathKeys = 30;

/** Why a RequestMangler path cannot be saved, or null. */
export function pathProblem(parameter: string): string | null {
  const keys = parameter.trim().split('.').length - 1;
  return keys > maxPathKeys ? `must name at most ${maxPathKeys} keys below user, context or brand (got ${keys})` : null;
}
const objects = new Set(['user', 'context', 'brand']);

function split(parameter: string): { root: string; path: string[] } {
  const [root = '', ...path] = parameter.trim().split('.');
  if (fixed.has(root))
    throw new PermanentFailure(`parameter '${parameter}': ${root} cannot be changed by a RequestMangler`);
  if (!objects.has(root) && root !== 'app' && root !== 'client_ip') {
    throw new PermanentFailure(
      `parameter '${parameter}': not a field of the event (app, client_ip, user.…, context.…, brand.…)`,
    );
  }
  if (path.length > 0 && !objects.has(root))
    throw new PermanentFailure(`parameter '${parameter}': ${root} has no fields`);
  // A binding saved before paths were bounded fails its run, recorded, instead of the ingest.
  const problem = pathProblem(parameter);
  if (problem !== null) throw new PermanentFailure(`parameter: ${problem}`);
  // Any other name is data: read and written as an own key (lib/own-keys.ts).
  if (path.some((key) => key === '')) {
    throw new PermanentFailure(`parameter '${parameter}' is not a dotted path`);
  }
  return { root, path };
}

/** The value at a dotted path, as text (JSON for objects), or undefined. */
export function readParameter(event: Event, parameter: string): string | undefined {
  const node = valueAtPath(event, parameter.split('.'));
  if (node === undefined || node === null) return undefined;
  return typeof node === 'string' ? node : JSON.stringify(node);
}

export function deleteParameter(event: Event, parameter: string): { event: Event; notes: string[] } {
  const { root, path } = split(parameter);
  const next = structuredClone(event);
  if (path.length === 0) {
    if (root === 'app') throw new PermanentFailure("parameter 'app' is required and cannot be deleted");
    if (root === 'client_ip') next.client_ip = null;
    else (next as unknown as Record<string, unknown>)[root] = {};
    return { event: next, notes: [`deleted ${parameter}`] };
  }
  let node = (next as unknown as Record<string, unknown>)[root] as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const inner = ownValue(node, key);
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      return { event: next, notes: [`${parameter} not present`] };
    }
    node = inner as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (!hasOwnKey(node, last)) return { event: next, notes: [`${parameter} not present`] };
  delete node[last];
  return { event: next, notes: [`deleted ${parameter}`] };
}

export interface SetOptions {
  parameter: string;
  value: string;
  match_parameter?: string;
  match_pattern?: string;
}

export async function setParameter(event: Event, options: SetOptions): Promise<{ event: Event; notes: string[] }> {
  const { root, path } = split(options.parameter);
  let value = options.value;
  if (options.match_parameter) {
    const subject = readParameter(event, options.match_parameter);
    let pattern: Pattern;
    try {
      pattern = await compilePattern(options.match_pattern ?? '');
    } catch (error) {
      throw new PermanentFailure(
        `match_pattern '${options.match_pattern}' is not a regular expression: ${(error as Error).message}`,
      );
    }
    const groups = subject === undefined ? null : pattern.wholeMatchGroups(subject);
    if (!groups) return { event, notes: [`${options.match_parameter} did not match; nothing set`] };
    // {0} is the first group (privacyIDEA's str.format(*groups)); a group that took no part is empty.
    value = value.replace(/\{(\d+)\}/g, (whole, index: string) =>
      Number(index) < groups.length ? (groups[Number(index)] ?? '') : whole,
    );
  }
  const next = structuredClone(event);
  if (path.length === 0) {
    if (root === 'app') {
      if (value.trim() === '') throw new PermanentFailure("parameter 'app' may not be blank");
      next.app = value;
    } else if (root === 'client_ip') {
      if (isIP(value) === 0) throw new PermanentFailure(`'${value}' is not an IP address for client_ip`);
      next.client_ip = value;
    } else {
      throw new PermanentFailure(`parameter '${root}' is an object; set one of its fields (${root}.<name>)`);
    }
    return { event: next, notes: [`set ${options.parameter}`] };
  }
  let node = (next as unknown as Record<string, unknown>)[root] as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const inner = ownValue(node, key);
    if (inner === undefined) setOwnKey(node, key, {});
    else if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      throw new PermanentFailure(`cannot set ${options.parameter}: ${key} is not an object`);
    }
    node = ownValue(node, key) as Record<string, unknown>;
  }
  setOwnKey(node, path.at(-1) as string, value);
  return { event: next, notes: [`set ${options.parameter}`] };
}
