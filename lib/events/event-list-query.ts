// The query of authentik's event list (GET /events/events/), which the analytics routes extend:
// its parameters as django-filter reads them, `search` in authentik's query language.
import * as z from 'zod';
import { parseNetwork } from '../net/ip.ts';
import { pageSizeParam } from '../pagination.ts';
import { planSearch } from '../query/akql.ts';
import { isEventAction } from './actions.ts';
import { parseDrfDatetime } from './event.ts';

const optionalText = z.string().optional();
const dateFilter = z
  .string()
  .refine((v) => parseDrfDatetime(v) !== null, { error: 'Enter a valid date/time.' })
  .transform((v) => parseDrfDatetime(v) as Date)
  .optional();

const searchDescription = [
  "authentik's query language (AKQL, DjangoQL): `name op value` joined by `and`/`or`, with parentheses.",
  'Operators `= != > >= < <=`, `~`/`!~` (contains, any case), `startswith`, `endswith` and their `not` forms,',
  '`in (…)`, `not in (…)`; values are "strings", numbers, `True`, `False`, `None`.',
  'Fields: `action`, `app`, `event_uuid`, `client_ip`, `created` ("YYYY-MM-DD[ HH:MM[:SS]]" UTC, or ISO 8601),',
  'and keys of `user`, `brand`, `context` (`context.geo.country`).',
  '`and` and `or` have one precedence and group to the right, as in DjangoQL:',
  '`a and b or c` is `a and (b or c)`; use parentheses.',
  'Beyond authentik: `client_ip in cidr("10.0.0.0/8", "2001:db8::/32")` (also `not in cidr(…)`, and on JSON keys).',
  'A text that does not parse is searched plainly over the event id, user, action, app, context and client_ip,',
  'as authentik falls back; one that starts like a query (a field, then an operator) answers 400 naming the position.',
  'Top-level `and`ed terms on action, user.username, client_ip, event_uuid and a created range use the indexes;',
  'any other term is checked on every event read, within the read budget.',
].join(' ');

/** `search`: a query, or plain words; a query-shaped text that does not parse is refused. */
const searchParam = z
  .string()
  .superRefine((text, context) => {
    const plan = planSearch(text);
    if (plan.mode === 'plain' && plan.queryShaped) context.addIssue({ code: 'custom', message: plan.error.message });
  })
  .optional()
  .meta({ description: searchDescription });

/** Query of the event list; unknown parameters are ignored, as django-filter does. */
export const eventListQuery = z.object({
  page: optionalText,
  page_size: pageSizeParam,
  // A case-insensitive substring, as authentik's `icontains` (2026.8); empty is no filter.
  action: optionalText,
  // API Gateway joins a repeated parameter with commas.
  actions: z
    .string()
    .transform((v) => v.split(','))
    .refine((list) => list.every(isEventAction), {
      error: (issue) => `Select a valid choice. ${String(issue.input)} is not one of the available choices.`,
    })
    .optional(),
  client_ip: z
    .string()
    .refine((v) => parseNetwork(v) !== null, { error: 'Enter a valid IPv4 or IPv6 address or network.' })
    .optional(),
  username: optionalText,
  context_model_pk: optionalText,
  context_model_name: optionalText,
  context_model_app: optionalText,
  context_authorized_app: optionalText,
  context_device: optionalText,
  brand_name: optionalText,
  created__gte: dateFilter,
  created__lt: dateFilter,
  ordering: optionalText,
  search: searchParam,
});

export type EventListQuery = z.infer<typeof eventListQuery>;
