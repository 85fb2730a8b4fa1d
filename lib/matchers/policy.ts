// An event matcher policy: a named, reusable predicate over events. This file holds its
// shape, its input schemas (Django REST framework messages) and its authentik view.
import * as z from 'zod';
import { drf, emptyAsObject, missingOr, objectError, text } from '../drf-fields.ts';
import { isEventAction } from '../events/actions.ts';
import { eventInput } from '../events/event.ts';
import { parseNetwork } from '../net/ip.ts';
import { pageSizeParam } from '../pagination.ts';
import { parseQuery } from '../query/akql.ts';

/** The criteria of a policy; null means "not set" (skipped). */
export interface MatcherCriteria {
  action: string | null;
  client_ip: string | null;
  app: string | null;
  model: string | null;
  /** authentik 2026.8's query (AKQL), checked when the policy is written; a policy stored before it has none. */
  query: string | null;
}

export interface MatcherPolicy extends MatcherCriteria {
  /** UUID, lower case. */
  pk: string;
  name: string;
  /** Log every evaluation during dispatch as a `policy_execution` event. */
  execution_logging: boolean;
}

/** A policy as stored: `version` rises with each write (optimistic concurrency). */
export interface StoredMatcherPolicy extends MatcherPolicy {
  version: number;
}

export const criteriaNames = ['action', 'client_ip', 'app', 'model', 'query'] as const;

/** Names become part of an index sort key (at most 1024 bytes), hence a bound (ours). */
export const maxNameLength = 200;

export const messages = {
  nameTaken: 'Policy with this name already exists.',
  noCriteria: 'At least one criteria must be set.',
  nameTooLong: `Ensure this field has no more than ${maxNameLength} characters.`,
  model: 'Enter a model as "<app_label>.<model_name>".',
  eventSource: 'Give either "event" or "event_uuid".',
} as const;

const name = text().max(maxNameLength, { error: messages.nameTooLong });
// Strict: only JSON true/false, not DRF's "yes"/1 spellings.
const executionLogging = z.boolean({ error: missingOr(drf.boolean) });
const action = z
  .string({ error: (issue) => (issue.input === undefined ? drf.required : drf.choice(issue.input)) })
  .refine(isEventAction, { error: (issue) => drf.choice(issue.input) });
const clientIp = z
  .string({ error: missingOr(drf.ip) })
  .trim()
  .min(1, { error: drf.blank, abort: true })
  .refine((v) => parseNetwork(v) !== null, { error: drf.ip });
const app = text();
const model = text().regex(/^[^.\s]+\.[^.\s]+$/, { error: messages.model });
// authentik's query language, parsed (and bounded) at write time so that dispatch never meets a bad one.
const query = text().superRefine((value, context) => {
  const parsed = parseQuery(value);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error.message });
});

// A client may send back what it read: the read-only fields are accepted and ignored.
const readOnly = {
  pk: z.unknown().optional(),
  component: z.unknown().optional(),
  verbose_name: z.unknown().optional(),
  verbose_name_plural: z.unknown().optional(),
  meta_model_name: z.unknown().optional(),
  bound_to: z.unknown().optional(),
};

// What a body may leave out: the flag and each criterion (null clears a criterion).
const optionalFields = {
  execution_logging: executionLogging.optional(),
  action: action.nullable().optional(),
  client_ip: clientIp.nullable().optional(),
  app: app.nullable().optional(),
  model: model.nullable().optional(),
  query: query.nullable().optional().meta({
    description:
      "authentik 2026.8's query: the event list's `search` language (see GET /events/events/), cidr() included, evaluated in memory on the event; a text that does not parse is refused.",
  }),
};

/** POST and PUT: `name` required; an omitted criterion is null, `execution_logging` false. */
export const policyInput = z.preprocess(
  emptyAsObject,
  z
    .strictObject(
      {
        ...readOnly,
        name,
        ...optionalFields,
      },
      { error: objectError },
    )
    .transform((body) => ({
      name: body.name,
      execution_logging: body.execution_logging ?? false,
      action: body.action ?? null,
      client_ip: body.client_ip ?? null,
      app: body.app ?? null,
      model: body.model ?? null,
      query: body.query ?? null,
    })),
);

export type PolicyInput = z.infer<typeof policyInput>;

/** PATCH: only the fields given change. */
export const policyPatch = z.preprocess(
  emptyAsObject,
  z
    .strictObject(
      {
        ...readOnly,
        name: name.optional(),
        ...optionalFields,
      },
      { error: objectError },
    )
    .transform(
      ({
        pk: _1,
        component: _2,
        verbose_name: _3,
        verbose_name_plural: _4,
        meta_model_name: _5,
        bound_to: _6,
        ...changes
      }) =>
        Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<PolicyInput>,
    ),
);

export type PolicyPatch = z.infer<typeof policyPatch>;

/** The path parameter; a malformed id is simply an unknown one (404), as authentik answers. */
export const policyUuidParameter = z.object({ policy_uuid: z.string() });

const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Django's UUID forms (dashes optional), lower case with dashes; null when not a UUID. */
export function normalUuid(text: string): string | null {
  if (!uuidPattern.test(text)) return null;
  const hex = text.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const filterChoice = z
  .string()
  .refine(isEventAction, {
    error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
  })
  .optional();

/** Query of the list; unknown parameters are ignored, as django-filter does. */
export const policyListQuery = z.object({
  page: z.string().optional(),
  page_size: pageSizeParam,
  name: z.string().optional(),
  action: filterChoice,
  client_ip: z.string().optional(),
  app: z.string().optional(),
  model: z.string().optional(),
  query: z.string().optional(),
  // django-filter's BooleanFilter: other values filter nothing.
  execution_logging: z
    .string()
    .transform((v) => ({ true: true, True: true, '1': true, false: false, False: false, '0': false })[v])
    .optional(),
  search: z.string().optional(),
  ordering: z.string().optional(),
});

export type PolicyListQuery = z.infer<typeof policyListQuery>;

// The dialect reports one level of fields, so a nested problem names its own field in the
// message ("action: This field is required."); the document still shows the event's shape.
const { $schema: _schema, ...eventJsonSchema } = z.toJSONSchema(eventInput, { io: 'input', unrepresentable: 'any' });
const inlineEvent = z
  .unknown()
  .transform((value, context) => {
    const result = eventInput.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const fields = issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.')];
      for (const field of fields) {
        context.issues.push({
          code: 'custom',
          message: field ? `${field}: ${issue.message}` : issue.message,
          input: value,
        });
      }
    }
    return z.NEVER;
  })
  .meta(eventJsonSchema);

/** `POST …/test/`: an event given inline, or a stored event by its id. */
export const policyTestInput = z
  .strictObject(
    {
      event: inlineEvent.optional(),
      event_uuid: z.string({ error: missingOr(drf.string) }).optional(),
    },
    { error: objectError },
  )
  .refine((body) => (body.event === undefined) !== (body.event_uuid === undefined), {
    error: messages.eventSource,
  });

export type PolicyTestInput = z.infer<typeof policyTestInput>;

// ---- the authentik view ----

export const policyShape = z.object({
  pk: z.uuid(),
  name: z.string(),
  execution_logging: z.boolean(),
  component: z.string(),
  verbose_name: z.string(),
  verbose_name_plural: z.string(),
  meta_model_name: z.string(),
  bound_to: z.int(),
  action: z.string().nullable(),
  client_ip: z.string().nullable(),
  app: z.string().nullable(),
  model: z.string().nullable(),
  query: z.string().nullable(),
});

export type PolicyView = z.infer<typeof policyShape>;

export function policyView(policy: MatcherPolicy, boundTo: number): PolicyView {
  return {
    pk: policy.pk,
    name: policy.name,
    execution_logging: policy.execution_logging,
    component: 'ak-policy-event-matcher-form',
    verbose_name: 'Event Matcher Policy',
    verbose_name_plural: 'Event Matcher Policies',
    meta_model_name: 'authentik_policies_event_matcher.eventmatcherpolicy',
    bound_to: boundTo,
    action: policy.action,
    client_ip: policy.client_ip,
    app: policy.app,
    model: policy.model,
    query: policy.query ?? null,
  };
}

export const usedByShape = z.array(
  z.object({ app: z.string(), model_name: z.string(), pk: z.string(), name: z.string(), action: z.string() }),
);

export const policyTestShape = z.object({
  passing: z.boolean(),
  messages: z.array(z.string()),
  log_messages: z.array(z.unknown()),
});

/** Another policy holds the name (the store refuses the write). */
export class PolicyNameTaken extends Error {}
