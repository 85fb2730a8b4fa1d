// Deep links: the view and its filters live in the URL's hash (`#events?action=login&page=2`),
// never the token.
export const views = ['events', 'bindings', 'policies', 'deliveries', 'counters', 'connectors', 'rules'] as const;
export type View = (typeof views)[number];

export function readHash(): { view: View; params: URLSearchParams } {
  const [name, query = ''] = location.hash.replace(/^#\/?/, '').split('?') as [string, string?];
  const view = (views as readonly string[]).includes(name) ? (name as View) : 'events';
  return { view, params: new URLSearchParams(query) };
}

export function hashFor(view: View, params: Record<string, string | undefined> = {}): string {
  const kept = Object.entries(params).filter((entry): entry is [string, string] => !!entry[1]);
  const query = new URLSearchParams(kept).toString();
  return `#${view}${query ? `?${query}` : ''}`;
}

export function writeHash(view: View, params: Record<string, string | undefined> = {}) {
  const next = hashFor(view, params);
  if (location.hash !== next) location.hash = next;
}
