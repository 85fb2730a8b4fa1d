// Template tags ({action}, {username}, {context.a.b}, …) filled from an event. An unknown tag is
// left as written and reported, never an exception.
import type { Event } from '../events/event.ts';
import { valueAtPath } from '../own-keys.ts';

export interface Filled {
  text: string;
  /** Tags that could not be filled, as written (`{nope}`). */
  unknown: string[];
}

const tagPattern = /\{([A-Za-z_][\w.-]*)\}/g;

const asText = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

const pathValue = (root: unknown, dotted: string): unknown => valueAtPath(root, dotted.split('.'));

/** The text of one tag, or undefined when the tag is unknown (or names a missing context path). */
export function tagValue(tag: string, event: Event): string | undefined {
  switch (tag) {
    case 'action':
      return event.action;
    case 'app':
      return event.app;
    case 'event_uuid':
      return event.pk;
    case 'created':
      return event.created;
    case 'client_ip':
      return asText(event.client_ip);
    case 'username':
      return asText(event.user.username);
    case 'user_email':
      return asText(event.user.email);
    case 'brand':
      return asText(event.brand.name);
  }
  if (tag.startsWith('context.')) {
    const value = pathValue(event.context, tag.slice('context.'.length));
    return value === undefined ? undefined : asText(value);
  }
  return undefined;
}

/** Fills every known tag; `escapeValue` is applied to the filled values only (HTML mail). */
export function fillTags(
  template: string,
  event: Event,
  escapeValue: (value: string) => string = (value) => value,
): Filled {
  const unknown: string[] = [];
  const text = template.replace(tagPattern, (whole, tag: string) => {
    const value = tagValue(tag, event);
    if (value === undefined) {
      unknown.push(whole);
      return whole;
    }
    return escapeValue(value);
  });
  return { text, unknown };
}

export const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * Fills tags inside the string values of a JSON document (keys and structure untouched), so the
 * result is always valid JSON.
 */
export function fillJsonTags(document: unknown, event: Event): { value: unknown; unknown: string[] } {
  const unknown: string[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const filled = fillTags(node, event);
      unknown.push(...filled.unknown);
      return filled.text;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    }
    return node;
  };
  return { value: walk(document), unknown };
}

export const noteUnknownTags = (unknown: string[]) =>
  unknown.length === 0 ? [] : [`unknown tags left as written: ${[...new Set(unknown)].join(' ')}`];
