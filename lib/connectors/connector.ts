// A connector: a named URL an identity platform pushes its events to, opened by its own secret.
// This file holds its shape, its input schemas (Django REST framework messages) and its view.
import * as z from 'zod';
import { drf, missingOr } from '../drf-fields.ts';
import { pageSizeParam } from '../pagination.ts';
import { type ConnectorKind, connectorKinds } from './mapping.ts';

export interface Connector {
  /** UUID, lower case. */
  pk: string;
  name: string;
  kind: ConnectorKind;
  enabled: boolean;
  created: string;
  /** SHA-256 of the secret (base64url); the secret itself is never stored. */
  secretHash: string;
}

/** A connector as stored: `version` rises with each admin write; the counters with each ingest. */
export interface StoredConnector extends Connector {
  version: number;
  received: number;
  last_received: string | null;
}

/** Names become part of an index sort key, hence a bound (as matcher policies). */
export const maxNameLength = 200;

export const messages = {
  nameTaken: 'Connector with this name already exists.',
  nameTooLong: `Ensure this field has no more than ${maxNameLength} characters.`,
} as const;

const name = z
  .string({ error: missingOr(drf.string) })
  .trim()
  .min(1, { error: drf.blank, abort: true })
  .max(maxNameLength, { error: messages.nameTooLong });
const kind = z.enum(connectorKinds, {
  error: (issue) => (issue.input === undefined ? drf.required : drf.choice(issue.input)),
});
const enabled = z.boolean({ error: missingOr(drf.boolean) });

// A client may send back what it read: the read-only fields are accepted and ignored.
const readOnly = {
  pk: z.unknown().optional(),
  created: z.unknown().optional(),
  ingest_url: z.unknown().optional(),
  last_received: z.unknown().optional(),
  received: z.unknown().optional(),
  secret: z.unknown().optional(),
};

const objectError = (issue: { code?: string; input?: unknown }) =>
  issue.code === 'unrecognized_keys' ? drf.unknown : drf.invalidData;

export const connectorInput = z.strictObject(
  { ...readOnly, name, kind, enabled: enabled.optional() },
  { error: objectError },
);
export const connectorPatch = z.strictObject(
  { ...readOnly, name: name.optional(), kind: kind.optional(), enabled: enabled.optional() },
  { error: objectError },
);
export type ConnectorInput = z.infer<typeof connectorInput>;
export type ConnectorPatch = z.infer<typeof connectorPatch>;

export const connectorUuidParameter = z.object({ connector_uuid: z.string() });

export const connectorListQuery = z.object({
  page: z.string().optional(),
  page_size: pageSizeParam,
  name: z.string().optional(),
  kind: z.string().optional(),
  search: z.string().optional(),
  ordering: z.string().optional(),
});
export type ConnectorListQuery = z.infer<typeof connectorListQuery>;

export const connectorShape = z.object({
  pk: z.string(),
  name: z.string(),
  kind: z.enum(connectorKinds),
  enabled: z.boolean(),
  created: z.string(),
  ingest_url: z.string(),
  last_received: z.string().nullable(),
  received: z.number().int(),
});
export type ConnectorView = z.infer<typeof connectorShape>;

/** The answer of create and rotate: the only two that show the secret, once. */
export const connectorWithSecretShape = connectorShape.extend({ secret: z.string() });

/** The authentik-style view; `baseUrl` is where the service is reached (`https://host`). */
export function connectorView(connector: StoredConnector, baseUrl: string): ConnectorView {
  return {
    pk: connector.pk,
    name: connector.name,
    kind: connector.kind,
    enabled: connector.enabled,
    created: connector.created,
    ingest_url: `${baseUrl}/ingest/${connector.pk}`,
    last_received: connector.last_received,
    received: connector.received,
  };
}
