// Okta Event Hooks: the envelope's `data.events[]` of System Log LogEvents, one event each.
import type { JsonObject } from '../../events/event.ts';
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
  isRecord,
  type JsonRecord,
  optionalRecord,
  parseJson,
  recordAt,
  requiredRecord,
  requiredString,
  requireJsonContent,
} from '../json.ts';
import { customAction, sourceEventInput, sourceTime, sourceUser } from '../source-event.ts';

export function mapOkta(request: IngestRequest): MappedRequest {
  requireJsonContent(request.contentType);
  const envelope = recordAt(parseJson(request.body, 'body'), 'body');
  const events = field(requiredRecord(envelope, 'data', ''), 'events');
  if (!Array.isArray(events)) throw new MalformedRequest('data.events must be a list');
  return mapRecords(events, (event, i) => mapLogEvent(recordAt(event, `data.events[${i}]`), `data.events[${i}]`));
}

function mapLogEvent(event: JsonRecord, where: string): RecordOutcome {
  const uuid = requiredString(event, 'uuid', where);
  const eventType = requiredString(event, 'eventType', where);
  const actor = optionalRecord(event, 'actor', where);
  const client = optionalRecord(event, 'client', where);
  const outcome = optionalRecord(event, 'outcome', where);
  const action = oktaAction(eventType, outcome && field(outcome, 'result'));
  const input = sourceEventInput({
    kind: 'okta',
    app: 'okta',
    action,
    record: event,
    time: sourceTime(field(event, 'published')),
    user: actor && sourceUser(field(actor, 'alternateId'), field(actor, 'id')),
    clientIp: client && field(client, 'ipAddress'),
    context: action.startsWith('model_') ? targetModel(field(event, 'target')) : undefined,
  });
  return { nativeId: uuid, input };
}

// `user.lifecycle.*` by what happens to the account: it begins to exist (create, activate), ends
// (delete.initiated, delete.completed) or changes (deactivate, reactivate, suspend, unsuspend, …).
const oktaActions: Readonly<Record<string, string>> = {
  'user.session.end': 'logout',
  'user.account.update_password': 'password_set',
  'user.account.reset_password': 'password_set',
  'user.lifecycle.create': 'model_created',
  'user.lifecycle.activate': 'model_created',
};

/** `user.session.start` is a login when its outcome is SUCCESS and a failed login otherwise. */
export function oktaAction(eventType: string, result: unknown): string {
  if (eventType === 'user.session.start') return result === 'SUCCESS' ? 'login' : 'login_failed';
  const known = ownValue(oktaActions, eventType);
  if (known !== undefined) return known;
  if (eventType === 'user.lifecycle.delete' || eventType.startsWith('user.lifecycle.delete.')) return 'model_deleted';
  if (eventType.startsWith('user.lifecycle.')) return 'model_updated';
  return customAction('custom_okta_', eventType);
}

/** The first target as authentik's `context.model`: `{ app: 'okta', model_name, pk, name }`. */
function targetModel(targets: unknown): JsonObject | undefined {
  const target: unknown = Array.isArray(targets) ? targets[0] : undefined;
  if (!isRecord(target)) return undefined;
  const model: JsonObject = { app: 'okta' };
  const [type, id, name] = [field(target, 'type'), field(target, 'id'), field(target, 'alternateId')];
  if (typeof type === 'string') model.model_name = type.toLowerCase();
  if (typeof id === 'string') model.pk = id;
  if (typeof name === 'string') model.name = name;
  return { model };
}
