// The fields a query may name: those of authentik's event list (`EventViewSet.get_ql_fields`),
// with DjangoQL's type checks and its messages, and how each value is read from an event.
import { isIP } from 'node:net';
import { actionDisplayName, eventActions } from '../events/actions.ts';
import { parseDrfDatetime } from '../events/event.ts';
import { parseNetwork } from '../net/ip.ts';
import { hasOwnKey } from '../own-keys.ts';
import type { ComparisonOperator, Literal, Operand } from './ast.ts';

/** `str`: a text column; `datetime`: `created`; `json`: a JSON column whose keys are named by a path. */
export type FieldKind = 'str' | 'datetime' | 'json';

export interface FieldSpec {
  readonly kind: FieldKind;
  /** May be compared to None. */
  readonly nullable: boolean;
}

export const fields: Readonly<Record<string, FieldSpec>> = {
  action: { kind: 'str', nullable: false },
  app: { kind: 'str', nullable: false },
  brand: { kind: 'json', nullable: true },
  client_ip: { kind: 'str', nullable: true },
  context: { kind: 'json', nullable: true },
  created: { kind: 'datetime', nullable: false },
  event_uuid: { kind: 'str', nullable: false },
  user: { kind: 'json', nullable: true },
};

export const fieldNames = Object.keys(fields).sort();

export const isFieldName = (name: string): boolean => hasOwnKey(fields, name);

// ---- action: a choice field; a label (`Login Failed`) stands for its value, as in DjangoQL ----

const actionByLabel = new Map<string, string>();
for (const action of eventActions) actionByLabel.set(actionDisplayName(action), action);
const actionValues = new Set<string>(eventActions);

/** DjangoQL's `get_lookup_value` of a choice field: a value stays, a label becomes its value. */
export function actionLookupValue(value: string): string {
  if (actionValues.has(value)) return value;
  return actionByLabel.get(value) ?? value;
}

// ---- created: DjangoQL's DateTimeField masks, and ISO 8601 as this service writes it ----

const digitsAt = (text: string, from: number, min: number, max: number): [number, number] | null => {
  let end = from;
  while (end < text.length && end - from < max && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  return end - from < min ? null : [Number(text.slice(from, end)), end];
};

/**
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (strptime's masks, chosen by length as
 * DjangoQL does; one-digit parts accepted as strptime does), in UTC, as milliseconds. Null when
 * the text is none of them.
 */
function parseDjangoqlDatetime(text: string): number | null {
  const parts: number[] = [];
  const seps = text.length > 16 ? ['-', '-', ' ', ':', ':'] : text.length > 10 ? ['-', '-', ' ', ':'] : ['-', '-'];
  let at = 0;
  for (let i = 0; i <= seps.length; i++) {
    const read = digitsAt(text, at, i === 0 ? 4 : 1, i === 0 ? 4 : 2);
    if (!read) return null;
    parts.push(read[0]);
    at = read[1];
    if (i < seps.length) {
      if (text[at] !== seps[i]) return null;
      at++;
    }
  }
  if (at !== text.length) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Years below 100 are read by Date.UTC as 19xx.
  date.setUTCFullYear(year);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null;
  return date.getTime();
}

/** An ISO 8601 date-time with offset, microseconds kept as a fraction of a millisecond. */
function parseIsoDatetime(text: string): number | null {
  const date = parseDrfDatetime(text);
  if (!date) return null;
  const fraction = /\.(\d{4,6})/.exec(text)?.[1];
  return fraction === undefined ? date.getTime() : date.getTime() + Number(`0.${fraction.slice(3)}`);
}

/** A timestamp `created` is compared to, in milliseconds (UTC), or null when the text is not one. */
export function parseTimestamp(text: string): number | null {
  return parseDjangoqlDatetime(text) ?? parseIsoDatetime(text);
}

// ---- event_uuid: a UUID column; Django reads any spelling uuid.UUID accepts ----

const hex = (code: number) => (code >= 48 && code <= 57) || (code >= 97 && code <= 102);

/** The UUID as 32 lower-case hex digits, or null (`{…}`, `urn:uuid:`, dashes and case as uuid.UUID). */
export function uuidHex(text: string): string | null {
  let value = text.trim().toLowerCase();
  if (value.startsWith('urn:uuid:')) value = value.slice(9);
  if (value.startsWith('{') && value.endsWith('}')) value = value.slice(1, -1);
  value = value.replaceAll('-', '');
  if (value.length !== 32) return null;
  for (let i = 0; i < 32; i++) if (!hex(value.charCodeAt(i))) return null;
  return value;
}

// ---- validation (DjangoQL's `schema.validate`, with its messages) ----

/** Python's repr of a literal, as DjangoQL's messages show values. */
export function pythonRepr(value: Literal): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

const textOperators = new Set<ComparisonOperator>([
  '~',
  '!~',
  'startswith',
  'not startswith',
  'endswith',
  'not endswith',
]);
export const isTextOperator = (operator: ComparisonOperator) => textOperators.has(operator);

/** A problem with a comparison: DjangoQL's message, and whether the name or which value (0-based) is wrong. */
export interface ComparisonProblem {
  readonly message: string;
  readonly at: 'name' | number;
}

/** What is wrong with comparing this path to this operand, or null. */
export function checkComparison(
  path: readonly string[],
  operator: ComparisonOperator,
  operand: Operand,
): ComparisonProblem | null {
  const problem = checkName(path);
  if (problem) return { message: problem, at: 'name' };
  const [root = ''] = path;
  const spec = fields[root] as FieldSpec;
  if (operand.kind === 'cidr') {
    if (root !== 'client_ip' && spec.kind !== 'json')
      return {
        message: `Field "${root}" has "${spec.kind}" type. cidr(…) can be used with client_ip and JSON keys only`,
        at: 0,
      };
    const bad = operand.networks.findIndex((network) => !parseNetwork(network));
    return bad < 0
      ? null
      : { message: `${pythonRepr(operand.networks[bad] as string)} is not an IPv4 or IPv6 network`, at: bad };
  }
  const values = operand.kind === 'list' ? operand.items : [operand.value];
  for (const [index, value] of values.entries()) {
    const message = checkValue(root, spec, operator, value);
    if (message) return { message, at: index };
  }
  return null;
}

function checkName(path: readonly string[]): string | null {
  const [root = '', ...keys] = path;
  const spec = fields[root];
  if (!spec || !isFieldName(root)) return `Unknown field: ${root}. Possible choices are: ${fieldNames.join(', ')}`;
  if (spec.kind !== 'json' && keys.length > 0)
    return `Unknown field: ${keys[0]}. Possible choices are: ${fieldNames.join(', ')}`;
  if (spec.kind === 'json' && keys.length === 0)
    return `Field "${root}" holds JSON: compare one of its keys, such as ${root}.${root === 'user' ? 'username' : 'name'}`;
  return null;
}

function checkValue(field: string, spec: FieldSpec, operator: ComparisonOperator, value: Literal): string | null {
  if (value === null) return spec.nullable ? null : `Field ${field} is not nullable, can't compare it to None`;
  if (spec.kind === 'json') return null;
  if (typeof value !== 'string') {
    const type = spec.nullable ? `nullable ${spec.kind}` : spec.kind;
    const what = spec.kind === 'datetime' ? 'timestamps in "YYYY-MM-DD HH:MM" format' : 'strings';
    return `Field "${field}" has "${type}" type. It can be compared to ${what}${spec.nullable ? ' or None' : ''}, but not to ${pythonRepr(value)}`;
  }
  if (isTextOperator(operator)) return null;
  if (field === 'created' && parseTimestamp(value) === null)
    return `Field "created" can be compared to timestamps in "YYYY-MM-DD HH:MM" format, but not to ${pythonRepr(value)}`;
  if (field === 'event_uuid' && uuidHex(value) === null) return `${pythonRepr(value)} is not a valid UUID.`;
  if (field === 'client_ip' && (operator === '=' || operator === '!=' || operator === 'in' || operator === 'not in'))
    if (isIP(value) === 0) return `${pythonRepr(value)} is not a valid IPv4 or IPv6 address.`;
  return null;
}
