// The shapes events are answered in, as zod schemas: the OpenAPI document is built from them.
import * as z from 'zod';

const object = z.record(z.string(), z.unknown());

export const eventShape = z.object({
  pk: z.uuid(),
  user: object,
  action: z.string(),
  app: z.string(),
  context: object,
  client_ip: z.string().nullable(),
  created: z.iso.datetime(),
  expires: z.iso.datetime(),
  brand: object,
});

export const pageShape = (item: z.ZodType) =>
  z.object({
    pagination: z.object({
      next: z.int(),
      previous: z.int(),
      count: z.int(),
      current: z.int(),
      total_pages: z.int(),
      start_index: z.int(),
      end_index: z.int(),
    }),
    results: z.array(item),
    autocomplete: z.object({}),
  });

export const actionListShape = z.array(
  z.object({ name: z.string(), description: z.string(), component: z.string(), model_name: z.string() }),
);

export const eventInfoShape = z.object({
  event_identifier: z.uuid().optional(),
  person_id: z.string().optional(),
  occurred: z.int().optional(),
  event_type: z.string().optional(),
  event_name: z.string().optional(),
  client_ip: z.string().optional(),
  user_agent: z.string().optional(),
  partition_id: z.string().optional(),
  event_agent_user: z.string().optional(),
  reason: z.string().optional(),
});

export const subjectSearchShape = z.object({
  resultSet: z.array(eventInfoShape),
  pagination: z.object({ offset: z.int(), pageSize: z.int(), totalResults: z.int() }),
});
