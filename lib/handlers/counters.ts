// The Counter module's counters as GET /event/counters and /event/counters/{name} show them.
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { counterNamePattern, counterNameRule } from './modules.ts';
import type { CounterActions } from './runners.ts';

export const counterShape = z.object({
  counter_name: z.string(),
  counter_value: z.int(),
  /** When it last changed (ISO 8601 UTC). */
  updated: z.string(),
});

export type Counter = z.infer<typeof counterShape>;

export interface CounterReader {
  get(name: string): Promise<Counter | null>;
  /** Every counter, by name. */
  all(): Promise<Counter[]>;
}

/** The counters as the routes, the Counter module and dispatch use them (lib/store/counters.ts). */
export interface CounterStore extends CounterReader, CounterActions {
  /** The counter's value; a missing counter is 0. */
  value(name: string): Promise<number>;
}

/** The `{name}` path parameter: a counter name as the Counter module accepts it. */
export const counterNameParameter = z
  .object({
    name: z.string().refine((name) => counterNamePattern.test(name), {
      error: (issue) => `name: '${String(issue.input)}' ${counterNameRule}`,
    }),
  })
  .transform(({ name }) => name);

export const counterNotFound = () => new DomainError('notFound', 'The requested counter could not be found.');

export const listCounters = (store: Pick<CounterReader, 'all'>) => store.all();

export async function readCounter(store: Pick<CounterReader, 'get'>, name: string): Promise<Counter> {
  const counter = await store.get(name);
  if (!counter) throw counterNotFound();
  return counter;
}
