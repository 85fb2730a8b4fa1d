// Property-based fuzzing of every route in the table, from the schemas each route declares:
// valid inputs succeed, invalid ones get a 4xx in the route's dialect and leave the table
// unchanged (the service completes no write), odd ones never get a 5xx. FUZZ_RUNS sets the runs per property
// (`npm run fuzz` runs many more and prints the counts).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type RouteRequest, send, validInputsOf } from '../helpers/requests.ts';
import { definitionOf, expectDialectError, type Route, routes } from '../helpers/routes.ts';
import { type Service, startService } from '../helpers/service.ts';
import {
  invalidMutations,
  type Mutation,
  noiseMutations,
  prototypeKeyNames,
  routeTakesBody,
  strictBody,
  withPrototypeKey,
} from './mutations.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 3);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const timeout = 60_000 + numRuns * 3_000;
// Shrinking re-sends every request of a run: only on demand (FUZZ_SHRINK=1).
const endOnFailure = process.env.FUZZ_SHRINK !== '1';

// Started before the route functions are imported: their store client reads the endpoint once.
const service: Service = await startService();

type Kind = 'valid' | 'invalid' | 'noise';
const counts = new Map<string, Record<Kind, number> & { statuses: Map<number, number> }>();

function count(route: Route, kind: Kind, status: number) {
  const entry = counts.get(route.key) ?? { valid: 0, invalid: 0, noise: 0, statuses: new Map<number, number>() };
  entry[kind]++;
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  counts.set(route.key, entry);
}

afterAll(async () => {
  await service.close();
  const lines = [...counts].map(
    ([key, c]) =>
      `${key.padEnd(42)} valid ${String(c.valid).padStart(5)}  invalid ${String(c.invalid).padStart(5)}  odd ${String(c.noise).padStart(5)}  statuses ${[
        ...c.statuses,
      ]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
  );
  console.log(`fuzz runs per route (FUZZ_RUNS=${numRuns}):\n${lines.join('\n')}`);
});

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
function expectNoPollution(where: string) {
  expect(Object.getOwnPropertyNames(Object.prototype).sort(), where).toEqual(prototypeNames);
  expect(({} as Record<string, unknown>).polluted, where).toBeUndefined();
}

const describeRequest = (request: RouteRequest) =>
  JSON.stringify({ ...request, raw: request.raw?.slice(0, 300) }).slice(0, 600);

const definitions = await Promise.all(routes.map(async (route) => [route, await definitionOf(route)] as const));

describe.each(definitions.map(([route, definition]) => [route.key, route, definition] as const))(
  '%s',
  (_key, route, definition) => {
    const inputs = validInputsOf(route);
    const expected = definition.schemas.response;

    it(
      'valid inputs succeed',
      async () => {
        await fc.assert(
          fc.asyncProperty(inputs.arbitrary, async (value) => {
            const request = await inputs.request(service, value);
            const answer = await send(service, route, request);
            count(route, 'valid', answer.status);
            const where = `${describeRequest(request)} → ${answer.status} ${answer.text.slice(0, 300)}`;
            expect(answer.status, where).toBe(expected?.status ?? 200);
            if (expected) {
              const json = /json/.test(answer.headers.get('content-type') ?? '');
              const shape = expected.body.safeParse(json ? answer.body : answer.text || undefined);
              expect(shape.success, `${where}: ${shape.error?.message}`).toBe(true);
            }
            expectNoPollution(where);
          }),
          { numRuns, seed, endOnFailure },
        );
      },
      timeout,
    );

    const invalid = invalidMutations(route, definition);
    // Only what applies is registered: a route without parameters or body has nothing to mutate.
    const itIf = (applies: boolean) => (applies ? it : () => undefined);
    itIf(invalid.length > 0)(
      'invalid inputs: a 4xx in the dialect, the table unchanged',
      async () => {
        await fc.assert(
          fc.asyncProperty(inputs.arbitrary, fc.oneof(...invalid), async (value, mutation: Mutation) => {
            const request = mutation.apply(await inputs.request(service, value));
            const before = service.completedWrites();
            const answer = await send(service, route, request);
            count(route, 'invalid', answer.status);
            const where = `${mutation.name}: ${describeRequest(request)} → ${answer.status} ${answer.text.slice(0, 300)}`;
            expectDialectError(route, answer);
            expect(service.completedWrites(), `${where}: the table changed`).toBe(before);
            expectNoPollution(where);
          }),
          { numRuns: numRuns * 2, seed, endOnFailure },
        );
      },
      timeout,
    );

    itIf(routeTakesBody(route))(
      `keys named ${prototypeKeyNames.join(', ')}: never a 5xx, never pollution; refused by a strict body`,
      async () => {
        const [value] = fc.sample(inputs.arbitrary, { numRuns: 1, seed: 7 });
        for (const key of prototypeKeyNames) {
          const request = withPrototypeKey(await inputs.request(service, value), key);
          const before = service.completedWrites();
          const answer = await send(service, route, request);
          count(route, 'invalid', answer.status);
          const where = `${key}: ${describeRequest(request)} → ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(answer.status, where).toBeLessThan(500);
          if (strictBody(definition) || answer.status >= 400) {
            expectDialectError(route, answer);
            expect(service.completedWrites(), `${where}: the table changed`).toBe(before);
          }
          expectNoPollution(where);
        }
      },
      timeout,
    );

    const noise = noiseMutations(route, definition);
    itIf(noise.length > 0)(
      'odd inputs: never a 5xx, and a refusal writes nothing',
      async () => {
        await fc.assert(
          fc.asyncProperty(inputs.arbitrary, fc.oneof(...noise), async (value, mutation: Mutation) => {
            const request = mutation.apply(await inputs.request(service, value));
            const before = service.completedWrites();
            const answer = await send(service, route, request);
            count(route, 'noise', answer.status);
            const where = `${mutation.name}: ${describeRequest(request)} → ${answer.status} ${answer.text.slice(0, 300)}`;
            expect(answer.status, where).toBeLessThan(500);
            if (answer.status >= 400) {
              expectDialectError(route, answer);
              expect(service.completedWrites(), `${where}: refused, yet the table changed`).toBe(before);
            }
            expectNoPollution(where);
          }),
          { numRuns: numRuns * 2, seed, endOnFailure },
        );
      },
      timeout,
    );
  },
);
