// The active bindings for one event name and position, read through the dispatch links of the
// by-ref index (never every binding), kept for a short while per container (short-lived.ts).
import { type Binding, byOrdering, type Position } from '../bindings/binding.ts';
import { shortLived } from './short-lived.ts';

export interface BindingLinks {
  /** Active bindings linked to exactly this event name, in ordering then id order. */
  forEvent(position: Position, eventName: string): Promise<Binding[]>;
}

export interface BindingSource {
  /** The bindings an event with this action triggers (`custom_` bindings for every custom action). */
  forAction(position: Position, action: string): Promise<Binding[]>;
}

const customPrefix = 'custom_';

/** The link names an action is found under: itself, and `custom_` for every `custom_…` action. */
export function linkNames(action: string): string[] {
  return action.startsWith(customPrefix) && action !== customPrefix ? [action, customPrefix] : [action];
}

export function bindingSource(links: BindingLinks, options: { cacheMs: number; now?: () => number }): BindingSource {
  const read = shortLived((key) => {
    // Positions hold no '#'; event names may.
    const at = key.indexOf('#');
    return links.forEvent(key.slice(0, at) as Position, key.slice(at + 1));
  }, options);
  const linked = (position: Position, name: string): Promise<Binding[]> => read(`${position}#${name}`);
  return {
    async forAction(position, action) {
      const lists = await Promise.all(linkNames(action).map((name) => linked(position, name)));
      if (lists.length === 1) return lists[0] as Binding[];
      const unique = new Map<number, Binding>();
      for (const binding of lists.flat()) unique.set(binding.id, binding);
      return [...unique.values()].sort(byOrdering);
    },
  };
}
