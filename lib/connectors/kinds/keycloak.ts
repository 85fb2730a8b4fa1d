// Keycloak: one EventRepresentation or AdminEventRepresentation, or a list, as event-listener webhooks post them.
import { createHash } from 'node:crypto';
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
  type JsonRecord,
  oneOrList,
  optionalRecord,
  optionalString,
  parseJson,
  problemAt,
  requiredString,
  requireJsonContent,
} from '../json.ts';
import { customAction, epochTime, sourceEventInput, sourceUser } from '../source-event.ts';

export function mapKeycloak(request: IngestRequest): MappedRequest {
  requireJsonContent(request.contentType);
  const records = oneOrList(parseJson(request.body, 'body'));
  return mapRecords(records, ({ record, where }) =>
    field(record, 'operationType') !== undefined || field(record, 'authDetails') !== undefined
      ? mapAdminEvent(record, where)
      : mapUserEvent(record, where),
  );
}

function mapUserEvent(record: JsonRecord, where: string): RecordOutcome {
  const type = requiredString(record, 'type', where);
  const userId = optionalString(record, 'userId', where);
  const details = optionalRecord(record, 'details', where);
  const parts = [type, optionalString(record, 'realmId', where), userId, optionalString(record, 'sessionId', where)];
  const input = sourceEventInput({
    kind: 'keycloak',
    app: 'keycloak',
    action: ownValue(userEventActions, type) ?? customAction('custom_keycloak_', type.toLowerCase()),
    record,
    time: epochTime(field(record, 'time')),
    user: sourceUser(details && field(details, 'username'), userId),
    clientIp: field(record, 'ipAddress'),
  });
  return { nativeId: keycloakId(record, where, parts), input };
}

function mapAdminEvent(record: JsonRecord, where: string): RecordOutcome {
  const operation = requiredString(record, 'operationType', where);
  const auth = optionalRecord(record, 'authDetails', where);
  const userId = auth && optionalString(auth, 'userId', where, 'authDetails.userId');
  const resourceType = optionalString(record, 'resourceType', where);
  const resourcePath = optionalString(record, 'resourcePath', where);
  const parts = [operation, optionalString(record, 'realmId', where), userId, resourcePath];
  const modelAction = ownValue(adminEventActions, operation);
  const input = sourceEventInput({
    kind: 'keycloak',
    app: 'keycloak',
    action: modelAction ?? customAction('custom_keycloak_', operation.toLowerCase()),
    record,
    time: epochTime(field(record, 'time')),
    user: sourceUser(undefined, userId),
    clientIp: auth && field(auth, 'ipAddress'),
    context: modelAction === undefined ? undefined : { model: resourceModel(resourceType, resourcePath) },
  });
  return { nativeId: keycloakId(record, where, parts), input };
}

const userEventActions: Readonly<Record<string, string>> = {
  LOGIN: 'login',
  LOGIN_ERROR: 'login_failed',
  LOGOUT: 'logout',
  UPDATE_PASSWORD: 'password_set',
  RESET_PASSWORD: 'password_set',
};

const adminEventActions: Readonly<Record<string, string>> = {
  CREATE: 'model_created',
  UPDATE: 'model_updated',
  DELETE: 'model_deleted',
};

/**
 * The record's `id` (newer Keycloak versions send one). Without it, the SHA-256 (lowercase hex)
 * of the UTF-8 JSON text of `[time, type, realmId, userId, sessionId]` for a user event, or of
 * `[time, operationType, realmId, authDetails.userId, resourcePath]` for an admin event (which has
 * no session, and whose path tells apart two changes by one admin in one millisecond), each absent
 * member as `null`: the same record always gets the same id.
 */
export function keycloakId(record: JsonRecord, where: string, parts: readonly (string | undefined)[]): string {
  const time = field(record, 'time');
  if (time !== undefined && typeof time !== 'number')
    throw new MalformedRequest(problemAt(where, 'time must be a number'));
  const id = optionalString(record, 'id', where);
  if (id !== undefined && id.trim() !== '') return id;
  if (time === undefined) throw new MalformedRequest(problemAt(where, 'missing id (and no time to derive it from)'));
  const identity = JSON.stringify([time, ...parts.map((part) => part ?? null)]);
  return createHash('sha256').update(identity, 'utf8').digest('hex');
}

/** authentik's `context.model`: `users/8f1…` of type USER is `{ model_name: 'user', pk: '8f1…' }`. */
function resourceModel(resourceType: string | undefined, resourcePath: string | undefined): JsonObject {
  const model: JsonObject = { app: 'keycloak' };
  if (resourceType !== undefined) model.model_name = resourceType.toLowerCase();
  const pk = resourcePath?.split('/').findLast((segment) => segment !== '');
  if (pk !== undefined) model.pk = pk;
  if (resourcePath !== undefined) model.name = resourcePath;
  return model;
}
