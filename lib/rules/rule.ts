// A detection rule: "N matching events (or N distinct values of a field) per group within a
// window" (Sigma's event_count and value_count correlations, Elastic's threshold rules with
// alert suppression). This file holds its shape, its input schemas (Django REST framework
// messages), its view and the shape of a fire; lib/rules/evaluate.ts says what it counts.
import * as z from 'zod';
import { drf, emptyAsObject, missingOr, objectError, text } from '../drf-fields.ts';
import { parseDrfDatetime } from '../events/event.ts';
import { pageSizeParam } from '../pagination.ts';
import { parseQuery } from '../query/akql.ts';
import { parseEventPath } from './event-path.ts';

export const ruleTypes = ['event_count', 'value_count'] as const;
export type RuleType = (typeof ruleTypes)[number];

export const severities = ['notice', 'warning', 'alert'] as const;
export type Severity = (typeof severities)[number];

/** Bounds of the numeric fields, in seconds for the times; `group_by` paths at most. */
export const ruleLimits = {
  window: { min: 10, max: 86_400 },
  threshold: { min: 1, max: 1_000_000 },
  suppress_for: { min: 0, max: 604_800 },
  groupBy: 3,
} as const;

export interface DetectionRule {
  /** UUID, lower case. */
  pk: string;
  name: string;
  enabled: boolean;
  /** The query language of the event list and matcher policies (AKQL); checked when written. */
  query: string;
  type: RuleType;
  /** The path whose distinct values a `value_count` rule counts; null for `event_count`. */
  field: string | null;
  /** 0–3 paths; each group is one combination of their values (null where missing). */
  group_by: string[];
  /** Seconds. */
  window: number;
  threshold: number;
  /** Seconds a group stays quiet after it fired. */
  suppress_for: number;
  severity: Severity;
}

/** A rule as stored: `version` rises with each write (optimistic concurrency). */
export interface StoredDetectionRule extends DetectionRule {
  version: number;
}

/** Names become part of an index sort key, hence a bound (as matcher policies). */
export const maxNameLength = 200;

export const messages = {
  nameTaken: 'Rule with this name already exists.',
  nameTooLong: `Ensure this field has no more than ${maxNameLength} characters.`,
  integer: 'A valid integer is required.',
  groupByLength: `Ensure this field has no more than ${ruleLimits.groupBy} elements.`,
  groupByTwice: 'Each path may appear only once.',
  fieldRequired: 'This field is required for a value_count rule.',
  fieldRefused: 'Only a value_count rule counts a field: leave it out (or null) for event_count.',
  fieldGrouped: 'The field counted may not be one of group_by: its count per group would always be 1.',
} as const;

const name = text().max(maxNameLength, { error: messages.nameTooLong });
// Strict: only JSON true/false, not DRF's "yes"/1 spellings.
const enabled = z.boolean({ error: missingOr(drf.boolean) });
const query = text()
  .superRefine((value, context) => {
    const parsed = parseQuery(value);
    if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error.message });
  })
  .meta({
    description:
      'The events counted: a query in the event list\'s `search` language (see GET /events/events/), e.g. `action = "login_failed"`; a text that does not parse is refused.',
  });
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? drf.required : drf.choice(issue.input)) });
const path = z.string({ error: missingOr(drf.string) }).superRefine((value, context) => {
  const parsed = parseEventPath(value);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message });
});
const field = path.meta({
  description:
    'value_count only: the path whose distinct values are counted (`user.username`, `client_ip`, `context.x.y`); an event without it is not counted.',
});
const groupBy = z
  .array(path, { error: missingOr('Expected a list of items.') })
  // A refinement, not .max(): zod would measure a string's length too.
  .superRefine((paths, context) => {
    if (paths.length > ruleLimits.groupBy) context.addIssue({ code: 'custom', message: messages.groupByLength });
    else if (new Set(paths).size !== paths.length) context.addIssue({ code: 'custom', message: messages.groupByTwice });
  })
  .meta({
    description:
      'Up to 3 paths as a query names them (`user.username`, `client_ip`, `context.x.y`); each combination of their values is a group of its own, a missing one groups under null.',
  });
// JSON integers only: DRF would also read "10", but a rule's numbers are typed by the console.
const integer = (bounds: { min: number; max: number }, description: string) =>
  z
    .number({ error: missingOr(messages.integer) })
    .int({ error: messages.integer })
    .min(bounds.min, { error: `Ensure this value is greater than or equal to ${bounds.min}.` })
    .max(bounds.max, { error: `Ensure this value is less than or equal to ${bounds.max}.` })
    .meta({ description });
const window = integer(
  ruleLimits.window,
  'Seconds: at each event, its group counts the events created in the last `window` seconds (an event exactly `window` seconds older is out).',
);
const threshold = integer(ruleLimits.threshold, 'The rule fires when the count reaches this.');
const suppressFor = integer(
  ruleLimits.suppress_for,
  'Seconds a group stays quiet after a fire; the next fire counts only the events after the last one.',
);

// A client may send back what it read: the read-only field is accepted and ignored.
const readOnly = { pk: z.unknown().optional() };

const optionalFields = {
  enabled: enabled.optional(),
  field: field.nullable().optional(),
  group_by: groupBy.optional(),
  suppress_for: suppressFor.optional(),
  severity: choice(severities).optional(),
};

/** POST and PUT: name, query, type, window and threshold required; the others take their defaults. */
export const ruleInput = z.preprocess(
  emptyAsObject,
  z
    .strictObject(
      {
        ...readOnly,
        name,
        query,
        type: choice(ruleTypes),
        window,
        threshold,
        ...optionalFields,
      },
      { error: objectError },
    )
    .transform(
      (body): Omit<DetectionRule, 'pk'> => ({
        name: body.name,
        enabled: body.enabled ?? true,
        query: body.query,
        type: body.type,
        field: body.field ?? null,
        group_by: body.group_by ?? [],
        window: body.window,
        threshold: body.threshold,
        suppress_for: body.suppress_for ?? 0,
        severity: body.severity ?? 'warning',
      }),
    ),
);
export type RuleInput = z.output<typeof ruleInput>;

/** PATCH: only the fields given change (null clears `field`). */
export const rulePatch = z.preprocess(
  emptyAsObject,
  z
    .strictObject(
      {
        ...readOnly,
        name: name.optional(),
        query: query.optional(),
        type: choice(ruleTypes).optional(),
        window: window.optional(),
        threshold: threshold.optional(),
        ...optionalFields,
      },
      { error: objectError },
    )
    .transform(
      ({ pk: _pk, ...changes }) =>
        Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<RuleInput>,
    ),
);
export type RulePatch = z.output<typeof rulePatch>;

/** The path parameter; a malformed id is simply an unknown one (404), as authentik answers. */
export const ruleUuidParameter = z.object({ rule_uuid: z.string() });

/** Query of the list; unknown parameters are ignored, as django-filter does. */
export const ruleListQuery = z.object({
  page: z.string().optional(),
  page_size: pageSizeParam,
  name: z.string().optional(),
  type: z.string().optional(),
  severity: z.string().optional(),
  // django-filter's BooleanFilter: other values filter nothing.
  enabled: z
    .string()
    .transform((v) => ({ true: true, True: true, '1': true, false: false, False: false, '0': false })[v])
    .optional(),
  search: z.string().optional(),
  ordering: z.string().optional(),
});
export type RuleListQuery = z.output<typeof ruleListQuery>;

const datetime = z
  .string({ error: missingOr(drf.datetime) })
  .refine((value) => parseDrfDatetime(value) !== null, { error: drf.datetime })
  .transform((value) => parseDrfDatetime(value) as Date);

/** `POST …/test/`: the range replayed; by default the last `window`×10, at most 7 days. */
export const ruleTestInput = z.preprocess(
  emptyAsObject,
  z.strictObject(
    {
      created__gte: datetime.optional().meta({ description: 'From (inclusive); default: `created__lt` − window×10.' }),
      created__lt: datetime.optional().meta({ description: 'To (exclusive); default: now.' }),
    },
    { error: objectError },
  ),
);
export type RuleTestInput = z.output<typeof ruleTestInput>;

// ---- the authentik view ----

export const ruleShape = z.object({
  pk: z.uuid(),
  name: z.string(),
  enabled: z.boolean(),
  query: z.string(),
  type: z.enum(ruleTypes),
  field: z.string().nullable(),
  group_by: z.array(z.string()),
  window: z.int(),
  threshold: z.int(),
  suppress_for: z.int(),
  severity: z.enum(severities),
});
export type RuleView = z.output<typeof ruleShape>;

export function ruleView(rule: DetectionRule): RuleView {
  return {
    pk: rule.pk,
    name: rule.name,
    enabled: rule.enabled,
    query: rule.query,
    type: rule.type,
    field: rule.field,
    group_by: [...rule.group_by],
    window: rule.window,
    threshold: rule.threshold,
    suppress_for: rule.suppress_for,
    severity: rule.severity,
  };
}

/** One fire: what `custom_threshold_exceeded` will carry in its context (issue 22 item 3). */
export const ruleFireShape = z.object({
  group: z
    .record(z.string(), z.unknown())
    .describe("Each group_by path and the group's value there (null where the events have none)."),
  count: z.int().describe('The count when the rule fired (≥ threshold).'),
  window_start: z.string().describe('The window: events created after this…'),
  window_end: z.string().describe('…and at or before this: the time of the event that fired the rule.'),
  first_event: z.string().describe('The oldest event counted.'),
  last_event: z.string().describe('The event that fired the rule.'),
  sample_events: z
    .array(z.string())
    .describe('Up to 10 of the events counted, oldest first (one per value for value_count).'),
});
export type RuleFire = z.output<typeof ruleFireShape>;

export const ruleTestShape = z.object({
  created__gte: z.string(),
  created__lt: z.string(),
  matched: z.int().describe('Events in the range the query matched (those rules caused left out).'),
  fires: z.array(ruleFireShape).describe('Every fire, in time order.'),
  groups: z
    .array(
      z.object({
        group: z.record(z.string(), z.unknown()),
        counts: z.array(z.int()),
        fired_at: z.array(z.string()),
      }),
    )
    .describe('The groups that would have fired, with the count and time of each fire.'),
});
export type RuleTestView = z.output<typeof ruleTestShape>;

/** Another rule holds the name (the store refuses the write). */
export class RuleNameTaken extends Error {}
