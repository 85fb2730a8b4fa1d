import { describe, expect, it } from 'vitest';
import { escapeHtml, fillJsonTags, fillTags, noteUnknownTags, tagValue } from '../../../lib/handlers/tags.ts';
import { sampleEvent } from './event.ts';

const event = sampleEvent();

describe('tags', () => {
  it('fills every tag of the spec', () => {
    const template =
      '{action}|{app}|{event_uuid}|{created}|{client_ip}|{username}|{user_email}|{brand}|{context.reason}|{context.geo.city}';
    expect(fillTags(template, event)).toEqual({
      text: `login_failed|authentik.core|${event.pk}|${event.created}|198.51.100.7|alice|alice@example.com|acme|bad password|Delft`,
      unknown: [],
    });
  });

  it('writes numbers and objects as JSON, and a missing client_ip or username as empty', () => {
    expect(tagValue('context.attempts', event)).toBe('3');
    expect(tagValue('context.geo', event)).toBe('{"country":"NL","city":"Delft"}');
    const bare = sampleEvent({ client_ip: null, user: {}, brand: {} });
    expect(fillTags('[{client_ip}][{username}][{brand}]', bare).text).toBe('[][][]');
  });

  it('leaves unknown tags and missing context paths as written, and reports them', () => {
    const filled = fillTags('{nope} {context.missing.path} {context.reason.length} {action} {0} {}', event);
    expect(filled.text).toBe('{nope} {context.missing.path} {context.reason.length} login_failed {0} {}');
    expect(filled.unknown).toEqual(['{nope}', '{context.missing.path}', '{context.reason.length}']);
    expect(noteUnknownTags([...filled.unknown, '{nope}'])).toEqual([
      'unknown tags left as written: {nope} {context.missing.path} {context.reason.length}',
    ]);
    expect(noteUnknownTags([])).toEqual([]);
  });

  it('does not read inherited properties as context paths', () => {
    expect(tagValue('context.constructor', event)).toBeUndefined();
    expect(tagValue('context.__proto__', event)).toBeUndefined();
  });

  it('escapes only the filled values', () => {
    const hostile = sampleEvent({ user: { username: `<script>alert('x')</script>&` } });
    expect(fillTags('<b>{username}</b>', hostile, escapeHtml).text).toBe(
      '<b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</b>',
    );
  });

  it('fills JSON string values only, never keys', () => {
    const filled = fillJsonTags({ '{action}': ['{username}', { deep: '{nope}' }, 1, false, null] }, event);
    expect(filled).toEqual({
      value: { '{action}': ['alice', { deep: '{nope}' }, 1, false, null] },
      unknown: ['{nope}'],
    });
  });
});
