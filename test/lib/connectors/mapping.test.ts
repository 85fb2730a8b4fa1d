// What every connector kind shares: the entry point, its refusals, custom action names and source times.
import { describe, expect, it } from 'vitest';
import {
  connectorKinds,
  MalformedRequest,
  mapIngestRequest,
  maxEventsPerRequest,
} from '../../../lib/connectors/mapping.ts';
import { customAction, epochTime, sourceTime } from '../../../lib/connectors/source-event.ts';
import { isEventAction, maxActionLength } from '../../../lib/events/actions.ts';
import { requestOf } from './connector-requests.ts';

describe('mapIngestRequest', () => {
  it('knows the five kinds and refuses a body that does not parse, for each, as a MalformedRequest', () => {
    expect(connectorKinds).toEqual(['okta', 'auth0', 'cloudevents', 'authentik', 'keycloak']);
    expect(maxEventsPerRequest).toBe(1000);
    for (const kind of connectorKinds) {
      const contentType = kind === 'cloudevents' ? 'application/cloudevents+json' : 'application/json';
      const refused = () => mapIngestRequest(kind, requestOf('[{', contentType));
      expect(refused, kind).toThrow(MalformedRequest);
      expect(refused, kind).toThrow(/not JSON/);
    }
  });

  it('takes JSON media types with parameters and +json suffixes, case aside', () => {
    for (const contentType of ['application/json', 'Application/JSON; charset=UTF-8', 'application/vnd.okta+json']) {
      expect(mapIngestRequest('keycloak', requestOf([], contentType))).toEqual({ events: [], skipped: [] });
    }
  });
});

describe('customAction', () => {
  it('writes every character but A–Z, a–z and 0–9 as _', () => {
    expect(customAction('custom_okta_', 'user.mfa.factor.activate')).toBe('custom_okta_user_mfa_factor_activate');
    expect(customAction('custom_', 'ü-ber space')).toBe('custom___ber_space');
  });

  it('bounds a long name to an action name by its start and a hash of the whole, deterministically', () => {
    const long = customAction('custom_okta_', 'a'.repeat(500));
    expect(long).toHaveLength(maxActionLength);
    expect(isEventAction(long)).toBe(true);
    expect(customAction('custom_okta_', 'a'.repeat(500))).toBe(long);
    expect(customAction('custom_okta_', 'a'.repeat(501))).not.toBe(long);
    expect(isEventAction(customAction('custom_okta_', 'a'.repeat(maxActionLength - 12)))).toBe(true);
  });
});

describe('source times', () => {
  it.each([
    ['2018-03-28T22:23:07.777Z', '2018-03-28T22:23:07.777Z'],
    ['2023-02-15T15:33:42.771091Z', '2023-02-15T15:33:42.771Z'],
    ['2018-04-05T17:31:00.123456789+02:00', '2018-04-05T15:31:00.123Z'],
    ['2018-04-05t17:31:00z', '2018-04-05T17:31:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('%s is %s', (value, iso) => {
    expect(sourceTime(value)).toBe(iso);
  });

  it.each([
    ['2017-09-31T22:23:07.777Z'],
    ['2023-02-29T00:00:00Z'],
    ['2018-04-05T17:31:00'],
    ['2018-04-05'],
    ['yesterday'],
    [1522949460000],
    [null],
  ])('%j is no time', (value) => {
    expect(sourceTime(value)).toBeUndefined();
  });

  it('reads epoch milliseconds, and nothing else, as a time', () => {
    expect(epochTime(1705314600000)).toBe('2024-01-15T10:30:00.000Z');
    expect(epochTime('1705314600000')).toBeUndefined();
    expect(epochTime(1.5)).toBeUndefined();
    expect(epochTime(9e15)).toBeUndefined();
  });
});
