// Reading a connector's JSON: its media type, its parse, and fields whose refusal names their path.
import { ownValue } from '../own-keys.ts';
import { MalformedRequest } from './ingest-request.ts';

export type JsonRecord = Record<string, unknown>;

/** A record and the path a refusal names it by (`data.events[2]`, `line 3`, `[0]`; '' for the body). */
export interface PlacedRecord {
  record: JsonRecord;
  where: string;
}

/** `where: problem`, or the problem alone for the body itself. */
export const problemAt = (where: string, problem: string) => (where === '' ? problem : `${where}: ${problem}`);

/** The media type without parameters, lowercased: `application/json; charset=utf-8` → `application/json`. */
export const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** `*\/json` or `*\/*+json`: the CloudEvents JSON format's own test for JSON content. */
export const isJsonMediaType = (type: string) => /^[^/\s]+\/([^/\s]+\+)?json$/.test(type);

/** Refuses a body whose content type is not JSON. */
export function requireJsonContent(contentType: string | undefined): void {
  const type = mediaType(contentType);
  if (isJsonMediaType(type)) return;
  throw new MalformedRequest(`content type ${type === '' ? 'missing' : type}: expected application/json`);
}

export function parseJson(text: string, where: string): unknown {
  if (text.trim() === '') throw new MalformedRequest(problemAt(where, 'empty'));
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedRequest(problemAt(where, 'not JSON'));
  }
}

export const isRecord = (value: unknown): value is JsonRecord =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value as a JSON object, else refused: `data must be an object`. */
export function recordAt(value: unknown, path: string): JsonRecord {
  if (isRecord(value)) return value;
  throw new MalformedRequest(`${path} must be an object`);
}

/** An own field; JSON `null` reads as absent. */
export const field = (record: JsonRecord, key: string): unknown => ownValue(record, key) ?? undefined;

/** A required non-blank string: `data.events[2]: missing uuid`; `name` is how a refusal names the key. */
export function requiredString(record: JsonRecord, key: string, where: string, name = key): string {
  const value = optionalString(record, key, where, name);
  if (value === undefined || value.trim() === '') throw new MalformedRequest(problemAt(where, `missing ${name}`));
  return value;
}

export function optionalString(record: JsonRecord, key: string, where: string, name = key): string | undefined {
  const value = field(record, key);
  if (value === undefined || typeof value === 'string') return value;
  throw new MalformedRequest(problemAt(where, `${name} must be a string`));
}

/** A required JSON object: `line 3: data must be an object`. */
export function requiredRecord(record: JsonRecord, key: string, where: string): JsonRecord {
  const value = optionalRecord(record, key, where);
  if (value === undefined) throw new MalformedRequest(problemAt(where, `${key} must be an object`));
  return value;
}

export function optionalRecord(record: JsonRecord, key: string, where: string): JsonRecord | undefined {
  const value = field(record, key);
  if (value === undefined || isRecord(value)) return value;
  throw new MalformedRequest(problemAt(where, `${key} must be an object`));
}

/** One record or a list of them, as the body (`[2] must be an object`) or at `listPath` (`results[2]`). */
export function oneOrList(value: unknown, listPath = ''): PlacedRecord[] {
  if (Array.isArray(value)) return value.map((record, i) => placed(record, `${listPath}[${i}]`));
  if (isRecord(value)) return [{ record: value, where: '' }];
  throw new MalformedRequest(`${listPath === '' ? 'body' : listPath} must be an object or a list of objects`);
}

/** A list element, which must be a JSON object. */
export const placed = (value: unknown, where: string): PlacedRecord => ({ record: recordAt(value, where), where });
