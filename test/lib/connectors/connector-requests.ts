// The connector mapping tests' helpers: fixtures (sources in fixtures/README.md), requests, refusals.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  type ConnectorKind,
  type IngestRequest,
  MalformedRequest,
  type MappedRequest,
  mapIngestRequest,
} from '../../../lib/connectors/mapping.ts';
import { eventInput } from '../../../lib/events/event.ts';

export type Json = Record<string, any>;

export const fixture = <T = Json>(path: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8'));

/** A request with that content type (`null`: none); a body that is not text is sent as JSON. */
export const requestOf = (body: unknown, contentType: string | null = 'application/json'): IngestRequest => ({
  contentType: contentType ?? undefined,
  headers: contentType === null ? {} : { 'content-type': contentType },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** Maps the request and checks every input is one `POST /events/events/` takes. */
export function mapped(kind: ConnectorKind, request: IngestRequest): MappedRequest {
  const result = mapIngestRequest(kind, request);
  for (const { input } of result.events) expect(eventInput.safeParse(input).error).toBeUndefined();
  return result;
}

/** The message the request is refused with. */
export function refusal(kind: ConnectorKind, request: IngestRequest): string {
  try {
    mapIngestRequest(kind, request);
  } catch (error) {
    if (error instanceof MalformedRequest) return error.message;
    throw error;
  }
  throw new Error('the request was not refused');
}

/** `count` copies of the record, each with its own id under `idKey`. */
export const copies = (record: Json, count: number, idKey: string): Json[] =>
  Array.from({ length: count }, (_, i) => ({ ...record, [idKey]: `${record[idKey]}-${i}` }));
