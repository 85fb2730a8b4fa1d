// What admins do with connectors: list, read, create, change, delete and rotate the secret.
// Every change is audited in the same write as the change itself.
import { randomUUID } from 'node:crypto';
import { retryConflicts } from '../conflicts.ts';
import { searchTerms } from '../drf-list.ts';
import { invalid, notFound } from '../errors.ts';
import { modelEvent } from '../events/audit.ts';
import type { Event } from '../events/event.ts';
import { normalUuid } from '../matchers/policy.ts';
import { defaultPageSize, type Page, paginate } from '../pagination.ts';
import {
  type Connector,
  type ConnectorInput,
  type ConnectorListQuery,
  type ConnectorPatch,
  type ConnectorView,
  connectorView,
  messages,
  type StoredConnector,
} from './connector.ts';
import { newConnectorSecret, secretHash } from './secret.ts';

/** A connector's name is held by another (the store's atomic name claim refused it). */
export class ConnectorNameTaken extends Error {}

/** What connectors need from the store (lib/store/connectors.ts). */
export interface ConnectorStore {
  /** The connector, or null when unknown. */
  get(uuid: string): Promise<StoredConnector | null>;
  /** Every connector, in name order. */
  all(): Promise<StoredConnector[]>;
  /** Creates it with the audit event; ConnectorNameTaken when the name is held. */
  create(connector: Connector, audit: Event): Promise<StoredConnector>;
  /** Replaces it if it is still at `previous.version` (else VersionConflict); the counters stay. */
  update(connector: Connector, previous: StoredConnector, audit: Event): Promise<StoredConnector>;
  /** Deletes it if it is still at `previous.version` (else VersionConflict). */
  remove(previous: StoredConnector, audit: Event): Promise<void>;
}

export interface ConnectorDeps {
  connectors: ConnectorStore;
}

/** Where the service is reached, for `ingest_url`: the API's URL, or the local gateway's. */
export type BaseUrl = string;

/** Who changes a connector (named in the audit event) and where they reached the service. */
export interface Asker {
  admin: string;
  baseUrl: BaseUrl;
}

const auditModel = (connector: Connector) => ({ model_name: 'connector', pk: connector.pk, name: connector.name });
const nameTaken = () => invalid('name', messages.nameTaken);

async function existing(deps: ConnectorDeps, uuidText: string): Promise<StoredConnector> {
  const uuid = normalUuid(uuidText);
  const connector = uuid === null ? null : await deps.connectors.get(uuid);
  if (!connector) throw notFound('connector');
  return connector;
}

const named = async <T>(write: () => Promise<T>) => {
  try {
    return await write();
  } catch (error) {
    throw error instanceof ConnectorNameTaken ? nameTaken() : error;
  }
};

export async function listConnectors(
  deps: ConnectorDeps,
  query: ConnectorListQuery,
  baseUrl: BaseUrl,
): Promise<Page<ConnectorView>> {
  // DRF's SearchFilter: every term is in the name, ignoring case.
  const terms = searchTerms(query.search);
  const descending = query.ordering?.trim().startsWith('-') === true;
  const found = (await deps.connectors.all()).filter(
    (connector) =>
      (query.name === undefined || connector.name === query.name) &&
      (query.kind === undefined || connector.kind === query.kind) &&
      terms.every((term) => connector.name.toLowerCase().includes(term)),
  );
  if (descending) found.reverse();
  const page = paginate(found, query.page, query.page_size ?? defaultPageSize);
  return { ...page, results: page.results.map((connector) => connectorView(connector, baseUrl)) };
}

export async function readConnector(deps: ConnectorDeps, uuid: string, baseUrl: BaseUrl): Promise<ConnectorView> {
  return connectorView(await existing(deps, uuid), baseUrl);
}

export async function createConnector(deps: ConnectorDeps, input: ConnectorInput, { admin, baseUrl }: Asker) {
  const secret = newConnectorSecret();
  const connector: Connector = {
    pk: randomUUID(),
    name: input.name,
    kind: input.kind,
    enabled: input.enabled ?? true,
    created: new Date().toISOString(),
    secretHash: secretHash(secret),
  };
  const saved = await named(() =>
    deps.connectors.create(connector, modelEvent('model_created', admin, auditModel(connector))),
  );
  return { ...connectorView(saved, baseUrl), secret };
}

/** Applies a change to the connector as it is now (retried on a concurrent write). */
async function change(
  deps: ConnectorDeps,
  uuid: string,
  admin: string,
  next: (current: Connector) => Connector,
): Promise<StoredConnector> {
  return retryConflicts(async () => {
    const previous = await existing(deps, uuid);
    const { version: _v, received: _r, last_received: _l, ...current } = previous;
    const connector = next(current);
    return named(() =>
      deps.connectors.update(connector, previous, modelEvent('model_updated', admin, auditModel(connector))),
    );
  });
}

export async function updateConnector(
  deps: ConnectorDeps,
  uuid: string,
  patch: ConnectorPatch,
  { admin, baseUrl }: Asker,
): Promise<ConnectorView> {
  const saved = await change(deps, uuid, admin, (current) => ({
    ...current,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.kind === undefined ? {} : { kind: patch.kind }),
    ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
  }));
  return connectorView(saved, baseUrl);
}

/** A new secret: the old one stops opening the ingest route at once. */
export async function rotateConnectorSecret(deps: ConnectorDeps, uuid: string, { admin, baseUrl }: Asker) {
  const secret = newConnectorSecret();
  const saved = await change(deps, uuid, admin, (current) => ({ ...current, secretHash: secretHash(secret) }));
  return { ...connectorView(saved, baseUrl), secret };
}

export async function removeConnector(deps: ConnectorDeps, uuid: string, admin: string): Promise<void> {
  await retryConflicts(async () => {
    const previous = await existing(deps, uuid);
    await deps.connectors.remove(previous, modelEvent('model_deleted', admin, auditModel(previous)));
  });
}
