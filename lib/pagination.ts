// authentik's pagination for its lists (events, matcher policies): page and page_size in, DRF's envelope out.
import * as z from 'zod';
import { DomainError } from './errors.ts';

/** DRF's `page_size`, 1 to 1000, for every authentik list. */
export const pageSizeParam = z
  .string()
  .regex(/^\d+$/, { error: 'A valid integer is required.' })
  .transform(Number)
  .refine((n) => n >= 1, { error: 'Ensure this value is greater than or equal to 1.' })
  .refine((n) => n <= 1000, { error: 'Ensure this value is less than or equal to 1000.' })
  .optional();

export interface Page<T> {
  pagination: {
    next: number;
    previous: number;
    count: number;
    current: number;
    total_pages: number;
    start_index: number;
    end_index: number;
  };
  results: T[];
  /** Always empty: authentik 2026.8 requires it on every list. */
  autocomplete: Record<string, never>;
}

export const defaultPageSize = 100;

/** The page number of `page` (1-based, as text from the query); not a number is 404. */
export function pageNumber(text: string | undefined): number {
  const page = text === undefined ? 1 : /^\d+$/.test(text) ? Number(text) : 0;
  if (!Number.isSafeInteger(page) || page < 1) throw new DomainError('page.invalid', 'Invalid page.');
  return page;
}

/** Page `page` of a result of `count` items whose page holds `results`; past the last page is 404. */
export function pageFrom<T>(results: T[], count: number, page: number, pageSize: number): Page<T> {
  const totalPages = Math.max(1, Math.ceil(count / pageSize));
  if (page > totalPages) throw new DomainError('page.invalid', 'Invalid page.');
  const start = (page - 1) * pageSize;
  return {
    pagination: {
      next: page < totalPages ? page + 1 : 0,
      previous: page > 1 ? page - 1 : 0,
      count,
      current: page,
      total_pages: totalPages,
      start_index: results.length === 0 ? 0 : start + 1,
      end_index: results.length === 0 ? 0 : start + results.length,
    },
    results,
    autocomplete: {},
  };
}

/** Page `page` of `items` held in memory (short lists: matcher policies). */
export function paginate<T>(items: readonly T[], pageText: string | undefined, pageSize: number): Page<T> {
  const page = pageNumber(pageText);
  const start = (page - 1) * pageSize;
  return pageFrom(items.slice(start, start + pageSize), items.length, page, pageSize);
}
