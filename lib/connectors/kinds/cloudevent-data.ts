// A CloudEvent's `data` (or `data_base64`) as the event's context, and the user it names.
import type { JsonObject } from '../../events/event.ts';
import { hasOwnKey, ownValue } from '../../own-keys.ts';
import { MalformedRequest } from '../ingest-request.ts';
import {
  field,
  isJsonMediaType,
  isRecord,
  type JsonRecord,
  mediaType,
  optionalString,
  parseJson,
  problemAt,
} from '../json.ts';

export interface DataContext {
  /** `data.user` when it is an object: the data names its user. */
  user?: JsonObject;
  context: JsonObject;
}

/**
 * JSON data (no `datacontenttype` means JSON, as the JSON format says) that is an object becomes
 * the context, its `user` object taken out as the user; any other JSON value is `context.data`.
 * Data of another content type is `context.data` as it came (text). `data_base64` is decoded: JSON
 * when its `datacontenttype` says so, else UTF-8 text in `context.data`, else (bytes that are not
 * UTF-8) kept encoded in `context.data_base64`.
 */
export function dataContext(event: JsonRecord, where: string): DataContext {
  const contentType = optionalString(event, 'datacontenttype', where);
  const base64 = optionalString(event, 'data_base64', where);
  if (base64 !== undefined) {
    if (hasOwnKey(event, 'data')) throw new MalformedRequest(problemAt(where, 'data and data_base64 are both set'));
    return base64Context(base64, contentType !== undefined && isJsonMediaType(mediaType(contentType)), where);
  }
  if (!hasOwnKey(event, 'data')) return { context: {} };
  const data = ownValue(event, 'data');
  return isJsonMediaType(mediaType(contentType ?? 'application/json')) ? jsonContext(data) : { context: { data } };
}

function base64Context(base64: string, isJson: boolean, where: string): DataContext {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
    throw new MalformedRequest(problemAt(where, 'data_base64 is not base64'));
  }
  const bytes = Buffer.from(base64, 'base64');
  if (isJson) return jsonContext(parseJson(bytes.toString('utf8'), problemAt(where, 'data_base64')));
  try {
    return { context: { data: new TextDecoder('utf-8', { fatal: true }).decode(bytes) } };
  } catch {
    return { context: { data_base64: base64 } };
  }
}

function jsonContext(data: unknown): DataContext {
  if (!isRecord(data)) return { context: { data } };
  const user = field(data, 'user');
  if (!isRecord(user)) return { context: { ...data } };
  const { user: _user, ...context } = data;
  return { user, context };
}
