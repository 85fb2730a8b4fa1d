import { describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import { deleteParameter, readParameter, setParameter } from '../../../lib/handlers/mangler.ts';
import { sampleEvent } from './event.ts';

const event = sampleEvent();

describe('delete', () => {
  it('removes a dotted field of context or user, leaving the input event untouched', () => {
    const result = deleteParameter(event, 'context.geo.city');
    expect(result.event.context).toEqual({ reason: 'bad password', geo: { country: 'NL' }, attempts: 3 });
    expect(result.notes).toEqual(['deleted context.geo.city']);
    expect(event.context.geo).toEqual({ country: 'NL', city: 'Delft' });
    expect(deleteParameter(event, 'user.email').event.user).toEqual({ pk: 7, username: 'alice' });
  });

  it('empties a whole object and clears client_ip', () => {
    expect(deleteParameter(event, 'context').event.context).toEqual({});
    expect(deleteParameter(event, 'client_ip').event.client_ip).toBeNull();
  });

  it('notes a field that is not there, changing nothing', () => {
    for (const parameter of ['context.nope', 'context.geo.city.x', 'context.reason.length', 'user.toString']) {
      const result = deleteParameter(event, parameter);
      expect(result.event, parameter).toEqual(event);
      expect(result.notes).toEqual([`${parameter} not present`]);
    }
  });

  it.each([
    ['pk', 'cannot be changed'],
    ['action', 'cannot be changed'],
    ['created', 'cannot be changed'],
    ['expires', 'cannot be changed'],
    ['app', 'cannot be deleted'],
    ['nonsense', 'not a field of the event'],
    ['app.x', 'app has no fields'],
    ['context..a', 'is not a dotted path'],
  ])('refuses %s permanently', (parameter, message) => {
    expect(() => deleteParameter(event, parameter)).toThrow(PermanentFailure);
    expect(() => deleteParameter(event, parameter)).toThrow(message);
  });
});

describe('a key named like an Object.prototype member (issue 25 item 4)', () => {
  it('is data: deleted only where it is an own key', () => {
    expect(deleteParameter(event, 'context.__proto__').notes).toEqual(['context.__proto__ not present']);
    const own = { ...event, context: JSON.parse('{"__proto__": 1, "constructor": 2}') };
    const deleted = deleteParameter(own, 'context.__proto__');
    expect(deleted.notes).toEqual(['deleted context.__proto__']);
    expect(deleted.event.context).toEqual({ constructor: 2 });
  });
});

describe('set', () => {
  it('sets a dotted field, creating the objects on the way', async () => {
    const result = await setParameter(event, { parameter: 'context.origin.site', value: 'eu-1' });
    expect(result.event.context.origin).toEqual({ site: 'eu-1' });
    expect(result.notes).toEqual(['set context.origin.site']);
    expect(event.context.origin).toBeUndefined();
  });

  it('sets app and client_ip, checking them', async () => {
    expect((await setParameter(event, { parameter: 'app', value: 'portal' })).event.app).toBe('portal');
    expect((await setParameter(event, { parameter: 'client_ip', value: '2001:db8::1' })).event.client_ip).toBe(
      '2001:db8::1',
    );
    await expect(setParameter(event, { parameter: 'client_ip', value: 'nowhere' })).rejects.toThrow(PermanentFailure);
    await expect(setParameter(event, { parameter: 'app', value: '  ' })).rejects.toThrow(PermanentFailure);
    await expect(setParameter(event, { parameter: 'user', value: 'x' })).rejects.toThrow('set one of its fields');
  });

  it('refuses to walk through a value that is not an object', async () => {
    await expect(setParameter(event, { parameter: 'context.reason.x', value: 'v' })).rejects.toThrow(
      'cannot set context.reason.x: reason is not an object',
    );
  });

  it('treats inherited names as absent', async () => {
    const result = await setParameter(event, { parameter: 'context.toString.x', value: 'v' });
    expect(result.event.context.toString).toEqual({ x: 'v' });
  });

  describe('with match_parameter and match_pattern', () => {
    it('sets only when the whole value matches, filling {0}, {1} from the groups', async () => {
      const withEmail = sampleEvent({ user: { username: 'alice', email: 'alice@corp.example.com' } });
      const result = await setParameter(withEmail, {
        parameter: 'context.tenant',
        value: '{1}/{0}',
        match_parameter: 'user.email',
        match_pattern: '([^@]+)@([a-z]+)\\.example\\.com',
      });
      expect(result.event.context.tenant).toBe('corp/alice');
      expect(result.notes).toEqual(['set context.tenant']);
    });

    it('does nothing when the value matches only in part (full match required)', async () => {
      const result = await setParameter(event, {
        parameter: 'context.flag',
        value: 'yes',
        match_parameter: 'user.username',
        match_pattern: 'ali',
      });
      expect(result.event).toEqual(event);
      expect(result.notes).toEqual(['user.username did not match; nothing set']);
    });

    it('does nothing when the match parameter is missing', async () => {
      const result = await setParameter(event, {
        parameter: 'context.flag',
        value: 'yes',
        match_parameter: 'context.nope',
        match_pattern: '.*',
      });
      expect(result.event).toEqual(event);
      expect(result.notes).toEqual(['context.nope did not match; nothing set']);
    });

    it('matches alternatives as a whole, and leaves a group that took no part empty', async () => {
      const set = (username: string) =>
        setParameter(sampleEvent({ user: { username } }), {
          parameter: 'context.kind',
          value: '[{0}|{1}|{2}]',
          match_parameter: 'user.username',
          match_pattern: 'admin-(\\w+)|svc-(\\w+)',
        });
      expect((await set('admin-root')).event.context.kind).toBe('[root||{2}]');
      expect((await set('svc-backup')).event.context.kind).toBe('[|backup|{2}]');
      // Without the (?:…) wrapper, 'x-svc-backup' would match the second alternative's tail.
      expect((await set('x-svc-backup')).notes).toEqual(['user.username did not match; nothing set']);
    });

    it('runs a catastrophic pattern on a hostile value to an answer (RE2)', async () => {
      const hostile = sampleEvent({ user: { username: `${'a'.repeat(40)}!` } });
      const set = (match_pattern: string) =>
        setParameter(hostile, {
          parameter: 'context.x',
          value: '{0}|{1}',
          match_parameter: 'user.username',
          match_pattern,
        });
      expect((await set('(a+)+$')).notes).toEqual(['user.username did not match; nothing set']);
      expect((await set('(a+)+(!)')).event.context.x).toBe(`${'a'.repeat(40)}|!`);
    });

    it('reads numbers and objects as their JSON text', async () => {
      expect(readParameter(event, 'context.attempts')).toBe('3');
      expect(readParameter(event, 'context.geo')).toBe('{"country":"NL","city":"Delft"}');
      const result = await setParameter(event, {
        parameter: 'context.many',
        value: 'yes',
        match_parameter: 'context.attempts',
        match_pattern: '[3-9]',
      });
      expect(result.event.context.many).toBe('yes');
    });

    it('fails permanently on a pattern that does not compile or that RE2 cannot run', async () => {
      for (const match_pattern of ['(', 'x)|(.*', '(a)\\1', '(?=a).*', '(?<=a)b']) {
        await expect(
          setParameter(event, { parameter: 'context.x', value: 'v', match_parameter: 'app', match_pattern }),
        ).rejects.toThrow(PermanentFailure);
      }
    });
  });
});
