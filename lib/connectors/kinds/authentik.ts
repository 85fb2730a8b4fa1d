// authentik: one event or a list, as its API serializes events (a notification webhook's body mapping).
import { isEventAction } from '../../events/actions.ts';
import { type IngestRequest, type MappedRequest, mapRecords, type RecordOutcome } from '../ingest-request.ts';
import {
  field,
  isRecord,
  type JsonRecord,
  oneOrList,
  optionalRecord,
  optionalString,
  type PlacedRecord,
  parseJson,
  requiredString,
  requireJsonContent,
} from '../json.ts';
import { sourceEventInput, sourceTime } from '../source-event.ts';

export function mapAuthentik(request: IngestRequest): MappedRequest {
  requireJsonContent(request.contentType);
  const records = authentikRecords(parseJson(request.body, 'body'));
  return mapRecords(records, ({ record, where }) => mapAuthentikEvent(record, where));
}

/** A list is also taken as the API lists events: a page `{ pagination, results: [...] }`. */
function authentikRecords(body: unknown): PlacedRecord[] {
  const isPage = isRecord(body) && Array.isArray(field(body, 'results')) && field(body, 'action') === undefined;
  return isPage ? oneOrList(field(body, 'results'), 'results') : oneOrList(body);
}

/** The record's own app, user, context and brand; an action authentik does not know skips it. */
function mapAuthentikEvent(record: JsonRecord, where: string): RecordOutcome {
  const pk = requiredString(record, 'pk', where);
  const action = requiredString(record, 'action', where);
  const app = optionalString(record, 'app', where);
  const user = optionalRecord(record, 'user', where);
  const context = optionalRecord(record, 'context', where);
  const brand = optionalRecord(record, 'brand', where);
  const clientIp = optionalString(record, 'client_ip', where);
  if (!isEventAction(action)) {
    return {
      nativeId: pk,
      skipped: `action ${JSON.stringify(action.slice(0, 100))} is neither an authentik action nor custom_…`,
    };
  }
  const input = sourceEventInput({
    kind: 'authentik',
    app: app === undefined || app.trim() === '' ? 'authentik' : app,
    action,
    record,
    time: sourceTime(field(record, 'created')),
    user,
    clientIp,
    context,
    brand,
  });
  return { nativeId: pk, input };
}
