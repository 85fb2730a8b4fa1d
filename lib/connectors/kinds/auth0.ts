// Auth0 Log Streams (custom webhook): JSONLINES, JSONARRAY or JSONOBJECT bodies of `{ log_id, data }`.
import { ownValue } from '../../own-keys.ts';
import {
  type IngestRequest,
  MalformedRequest,
  type MappedRequest,
  mapRecords,
  type RecordOutcome,
} from '../ingest-request.ts';
import {
  field,
  type JsonRecord,
  optionalString,
  type PlacedRecord,
  parseJson,
  placed,
  problemAt,
  recordAt,
  requiredRecord,
  requiredString,
  requireJsonContent,
} from '../json.ts';
import { customAction, sourceEventInput, sourceTime, sourceUser } from '../source-event.ts';

export function mapAuth0(request: IngestRequest): MappedRequest {
  requireJsonContent(request.contentType);
  return mapRecords(auth0Records(request.body), ({ record, where }) => mapLog(record, where));
}

/**
 * Auth0 sends all three formats as `application/json`, so the body tells them apart: a list is
 * JSONARRAY, one JSON value is JSONOBJECT (or JSON lines holding one record, the same thing), and
 * anything else is JSON lines, each refused by its 1-based line number.
 */
export function auth0Records(body: string): PlacedRecord[] {
  const text = body.trim();
  if (text.startsWith('[')) {
    const list = parseJson(text, 'body') as unknown[];
    return list.map((record, i) => placed(record, `[${i}]`));
  }
  const whole = parsedOrUndefined(text);
  if (whole !== undefined) return [{ record: recordAt(whole, 'body'), where: '' }];
  const records: PlacedRecord[] = [];
  body.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    records.push(placed(parseJson(line, where), where));
  });
  if (records.length === 0) throw new MalformedRequest('body: empty');
  return records;
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function mapLog(record: JsonRecord, where: string): RecordOutcome {
  const data = requiredRecord(record, 'data', where);
  // The envelope's `log_id` is the id; Auth0 repeats it in `data`, read when the envelope lacks it.
  const logId = optionalString(record, 'log_id', where) ?? optionalString(data, 'log_id', where, 'data.log_id');
  if (logId === undefined || logId.trim() === '') throw new MalformedRequest(problemAt(where, 'missing log_id'));
  const type = requiredString(data, 'type', where, 'data.type');
  const input = sourceEventInput({
    kind: 'auth0',
    app: 'auth0',
    action: auth0Action(type),
    record,
    time: sourceTime(field(data, 'date')),
    user: sourceUser(field(data, 'user_name'), field(data, 'user_id')),
    clientIp: field(data, 'ip'),
  });
  return { nativeId: logId, input };
}

// Log type codes: https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes
const auth0Actions: Readonly<Record<string, string>> = {
  s: 'login',
  f: 'login_failed',
  fp: 'login_failed',
  fu: 'login_failed',
  slo: 'logout',
  scp: 'password_set',
  scpn: 'password_set',
  limit_wc: 'suspicious_request',
  limit_mu: 'suspicious_request',
};

export const auth0Action = (type: string): string =>
  ownValue(auth0Actions, type) ?? customAction('custom_auth0_', type);
