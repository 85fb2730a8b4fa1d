// Property test over POST /events/events/, with and without Idempotency-Key, on raw JSON text:
// deep nesting, huge numbers, lone surrogates, odd keys ("", __proto__, constructor…) and keys
// written twice. Whatever comes: never a 5xx; a refusal is a 4xx in authentik's shape and leaves
// the table byte for byte as it was; an acceptance is a 201 that stored the event (through a pre
// Counter and RequestMangler, so their transaction is part of it); a keyed retry replays it
// and writes nothing. PROPERTY_RUNS (default 25 per property) and FUZZ_SEED as in test/fuzz/.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDialectError, routes } from '../helpers/routes.ts';
import { type Service, startService } from '../helpers/service.ts';

const numRuns = Number(process.env.PROPERTY_RUNS ?? 25);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const route = routes.find((candidate) => candidate.key === 'POST /events/events/') as (typeof routes)[number];

let service: Service;
let accepted = 0;
beforeAll(async () => {
  service = await startService();
  for (const json of [
    {
      name: 'count',
      event: 'custom_prop',
      handlermodule: 'Counter',
      action: 'increase_counter',
      'option.counter_name': 'prop',
    },
    {
      name: 'mark',
      event: 'custom_prop',
      handlermodule: 'RequestMangler',
      action: 'set',
      ordering: 1,
      'option.parameter': 'context.marked',
      'option.value': 'yes',
    },
  ]) {
    const answer = await service.call('POST', '/event', { json: { position: 'pre', ...json } });
    expect(answer.status, answer.text).toBe(200);
  }
});
const statuses = new Map<string, number>();
afterAll(async () => {
  console.log(`ingest property (PROPERTY_RUNS=${numRuns}): ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
  // Every accepted event moved the pre counter once; no refusal did.
  const counter = await service.call('GET', '/event/counters/prop');
  expect(counter.body?.result?.value?.counter_value ?? 0).toBe(accepted);
  await service.close();
});

const text = JSON.stringify;
// Each hostile feature is rare enough that many bodies carry none that the parser refuses, so
// the accepted path (with DynamoDB's own limits behind it) is reached about as often as refusals.
const oddKey = fc.oneof(
  { arbitrary: fc.string({ maxLength: 6 }).map(text), weight: 6 },
  {
    arbitrary: fc
      .constantFrom('', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'marked')
      .map(text),
    weight: 3,
  },
  { arbitrary: fc.constantFrom('"\\ud800"', '"\\udfff"', '"a\\ud83d"'), weight: 1 },
);
const hugeNumber = fc.oneof(
  fc.constantFrom('9007199254740993', '-9007199254740993', '1e308', '-1e308', '5e-324', '1e-400', '1e400'),
  fc.integer({ min: 39, max: 80 }).map((digits) => '9'.repeat(digits)),
  fc.bigInt({ min: -(10n ** 50n), max: 10n ** 50n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(text),
);
const oddString = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }).map(text), weight: 6 },
  { arbitrary: fc.constantFrom('"\\u0000"', '"\\ud83d\\ude00"', '""'), weight: 2 },
  { arbitrary: fc.constantFrom('"\\ud800"', '"x\\udc00y"', '"\\ud83d"'), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).map(text), weight: 1 },
);
const leaf = fc.oneof(
  { arbitrary: hugeNumber, weight: 3 },
  { arbitrary: oddString, weight: 3 },
  { arbitrary: fc.constantFrom('true', 'false', 'null', '0', '-0'), weight: 1 },
);

/** A JSON object's text whose first key is sometimes written twice. */
const objectOf = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(fc.tuple(oddKey, value), { maxLength: 4 }), fc.integer({ min: 0, max: 9 }))
    .map(([entries, dice]) => {
      const all = dice === 0 && entries.length > 0 ? [...entries, entries[0] as [string, string]] : entries;
      return `{${all.map(([key, inner]) => `${key}:${inner}`).join(',')}}`;
    });

const { json } = fc.letrec<{ json: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    objectOf(tie('json')),
    fc.array(tie('json'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
}));

/** `levels` objects or arrays around a value: around DynamoDB's 32 and the parser's limit. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.boolean(), leaf)
  .map(([levels, arrays, inner]) =>
    arrays
      ? `{"d":${'['.repeat(levels - 1)}${inner}${']'.repeat(levels - 1)}}`
      : `${'{"d":'.repeat(levels)}${inner}${'}'.repeat(levels)}`,
  );

const context = fc.oneof(objectOf(json), deep);
/** The whole body: valid fields around the odd context and user, sometimes a field twice. */
const body = fc
  .tuple(
    context,
    fc.option(objectOf(json), { nil: undefined }),
    fc.constantFrom('none', 'none', 'none', 'none', 'app', 'context'),
  )
  .map(([ctx, user, twice]) => {
    const fields = ['"app":"property"', '"action":"custom_prop"', `"context":${ctx}`];
    if (user !== undefined) fields.push(`"user":${user}`);
    if (twice === 'app') fields.push('"app":"property"');
    if (twice === 'context') fields.push(`"context":${ctx}`);
    return `{${fields.join(',')}}`;
  });

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
let keys = 0;

async function sendOnce(raw: string, key: string | undefined) {
  const headers = key === undefined ? undefined : { 'idempotency-key': key };
  const before = await service.digest();
  const answer = await service.call('POST', '/events/events/', { raw, headers });
  const where = `${key ?? 'no key'}: ${raw.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  const outcome = `${answer.status}${/error - ([a-z]+ [a-z]+)/i.exec(answer.text)?.[1]?.replace(/^/, ' ') ?? ''}`;
  statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
  expect(answer.status, where).toBeLessThan(500);
  expect(Object.getOwnPropertyNames(Object.prototype).sort(), where).toEqual(prototypeNames);
  if (answer.status >= 400) {
    expectDialectError(route, answer);
    expect(await service.digest(), `${where}: a refusal changed the table`).toBe(before);
    return;
  }
  expect(answer.status, where).toBe(201);
  accepted++;
  expect(answer.body.context.marked, where).toBe('yes');
  expect(await service.digest(), `${where}: nothing was stored`).not.toBe(before);
  const stored = await service.call('GET', `/events/events/${answer.body.pk}/`);
  expect(stored.status, where).toBe(200);
  expect(stored.body, where).toEqual(answer.body);
  if (key === undefined) return;
  const settled = await service.digest();
  const again = await service.call('POST', '/events/events/', { raw, headers });
  expect(again.status, `${where}: the retry`).toBe(201);
  expect(again.text, `${where}: the retry`).toBe(answer.text);
  expect(await service.digest(), `${where}: the retry wrote`).toBe(settled);
}

describe('POST /events/events/ with hostile JSON', () => {
  for (const keyed of [false, true]) {
    it(
      keyed ? 'with an Idempotency-Key' : 'without an Idempotency-Key',
      async () => {
        await fc.assert(
          fc.asyncProperty(body, async (raw) => {
            await sendOnce(raw, keyed ? `property-${++keys}` : undefined);
          }),
          { numRuns, seed, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
        );
      },
      60_000 + numRuns * 2_000,
    );
  }
});
