import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import { paginate } from '../../lib/pagination.ts';

const five = ['a', 'b', 'c', 'd', 'e'];

function invalidPage(pageText: string | undefined, items: readonly string[] = five, size = 2) {
  try {
    paginate(items, pageText, size);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('page.invalid');
    expect((error as DomainError).message).toBe('Invalid page.');
    return;
  }
  throw new Error(`page ${pageText} was accepted`);
}

describe('paginate', () => {
  it('answers the empty envelope for no items', () => {
    const page = paginate([], undefined, 100);
    expect(JSON.stringify(page.pagination)).toBe(
      '{"next":0,"previous":0,"count":0,"current":1,"total_pages":1,"start_index":0,"end_index":0}',
    );
    expect(page.results).toEqual([]);
    expect(paginate([], '1', 100)).toEqual(page);
  });

  it('pages five items two at a time', () => {
    expect(paginate(five, undefined, 2)).toEqual({
      pagination: { next: 2, previous: 0, count: 5, current: 1, total_pages: 3, start_index: 1, end_index: 2 },
      results: ['a', 'b'],
      autocomplete: {},
    });
    expect(paginate(five, '2', 2)).toEqual({
      pagination: { next: 3, previous: 1, count: 5, current: 2, total_pages: 3, start_index: 3, end_index: 4 },
      results: ['c', 'd'],
      autocomplete: {},
    });
    expect(paginate(five, '3', 2)).toEqual({
      pagination: { next: 0, previous: 2, count: 5, current: 3, total_pages: 3, start_index: 5, end_index: 5 },
      results: ['e'],
      autocomplete: {},
    });
  });

  it('has one full page when the items fit exactly', () => {
    expect(paginate(['a', 'b'], undefined, 2).pagination).toEqual({
      next: 0,
      previous: 0,
      count: 2,
      current: 1,
      total_pages: 1,
      start_index: 1,
      end_index: 2,
    });
    expect(paginate(['a', 'b', 'c', 'd'], '2', 2).pagination).toMatchObject({ total_pages: 2, next: 0, previous: 1 });
  });

  it.each(['4', '0', '-1', 'abc', '', '1.5', '+1', ' 1', '1e1', '99999999999999999999'])(
    'refuses page %j with Invalid page.',
    (pageText) => invalidPage(pageText),
  );

  it('refuses page 2 of nothing', () => invalidPage('2', []));
});
