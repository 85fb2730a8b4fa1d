// Django REST framework's list filters as authentik's lists use them: SearchFilter's terms and
// OrderingFilter's comparator, for the records the hub lists in memory (policies, rules, connectors).

/** SearchFilter's terms: the whitespace- or comma-separated words of `search`, lowercased; each must match. */
export const searchTerms = (search: string | undefined): string[] =>
  (search ?? '')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);

/** Plain order of two values of one field. */
export const compareValues = (x: unknown, y: unknown): number =>
  (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0;

/**
 * OrderingFilter's comparator: comma-separated fields of `orderable`, `-` for descending, unknown
 * ones ignored; then by name, then pk.
 */
export function drfOrdering<T extends { readonly name: string; readonly pk: string }, F extends keyof T & string>(
  text: string | undefined,
  orderable: readonly F[],
  compare: (field: F | 'name', a: T, b: T) => number = (field, a, b) => compareValues(a[field], b[field]),
) {
  const keys: { field: F | 'name'; down: boolean }[] = (text ?? '')
    .split(',')
    .map((term) => term.trim())
    .map((term) => ({ field: term.replace(/^-/, ''), down: term.startsWith('-') }))
    .filter((key): key is { field: F; down: boolean } => (orderable as readonly string[]).includes(key.field));
  keys.push({ field: 'name', down: false });
  return (a: T, b: T) => {
    for (const { field, down } of keys) {
      const order = compare(field, a, b);
      if (order !== 0) return down ? -order : order;
    }
    return compareValues(a.pk, b.pk);
  };
}
