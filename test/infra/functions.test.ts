// The table of every function (infra/functions.ts) against the code and the stack: every handler
// under functions/ is in it, and the synthesized stack has exactly its functions, with its
// trigger, timeout, memory, table access and environment. One synth with SES mail, bundling skipped.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import {
  environmentNames,
  functionsTriggeredBy,
  type LambdaFunction,
  lambdaFunctions,
  rateExpression,
  renderFunctionTable,
} from '../../infra/functions.ts';
import { routes } from '../../infra/routes.ts';
import { deployedRoutes } from '../../infra/stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

const functionsDir = new URL('../../functions/', import.meta.url);
const outdir = mkdtempSync(join(tmpdir(), 'event-hub-functions-'));
let built: ReturnType<typeof buildApp>;
let resources: Record<string, Resource>;

beforeAll(() => {
  built = buildApp({
    appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [], emailFrom: 'alerts@example.com' } },
  });
  resources = Template.fromStack(built.stack).toJSON().Resources;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The deployed function of a table entry, or undefined for an HTTP function the gateway never gets. */
function deployedId(entry: LambdaFunction): string | undefined {
  const { stack } = built;
  const routeFunction =
    entry.trigger.kind === 'http'
      ? entry.trigger.routes.map((route) => stack.routeFunctions.get(route.key)).find(Boolean)
      : entry.trigger.kind === 'authorizer'
        ? stack.authorizerFunction
        : stack.dispatch.functionFor(entry.fn);
  return routeFunction && stack.getLogicalId(routeFunction.function.node.defaultChild as CfnFunction);
}

describe('the table of every function', () => {
  it('holds every handler under functions/, each once, and nothing else', () => {
    const handlers = readdirSync(functionsDir)
      .filter((name) => name.endsWith('.ts'))
      .filter((name) =>
        /export (async function|const) handler\b/.test(readFileSync(new URL(name, functionsDir), 'utf8')),
      )
      .map((name) => name.slice(0, -3))
      .sort();
    const names = lambdaFunctions.map((entry) => entry.fn);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(handlers);
  });

  it('serves each route of the route table from the HTTP function of its entry file', () => {
    for (const route of routes) {
      const owners = functionsTriggeredBy('http').filter((entry) => entry.trigger.routes.includes(route));
      expect(
        owners.map((entry) => entry.fn),
        route.key,
      ).toEqual([route.fn]);
      expect(owners[0]?.access, route.key).toBe(route.access);
    }
    expect(functionsTriggeredBy('authorizer')).toHaveLength(1);
    expect(functionsTriggeredBy('stream')).toHaveLength(1);
  });

  it('drives the stack: one function per deployed entry, with its timeout, memory and environment', () => {
    const deployedKeys = new Set(deployedRoutes().map((route) => route.key));
    const expected = lambdaFunctions.filter(
      (entry) => entry.trigger.kind !== 'http' || entry.trigger.routes.some((route) => deployedKeys.has(route.key)),
    );
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(expected.length);
    for (const entry of expected) {
      const id = deployedId(entry);
      const fn = resources[id ?? ''];
      expect(fn?.Type, entry.fn).toBe('AWS::Lambda::Function');
      expect(fn?.Properties, entry.fn).toMatchObject({ Timeout: entry.timeoutSeconds, MemorySize: entry.memoryMb });
      const { Variables } = (fn?.Properties.Environment ?? {}) as { Variables: Record<string, unknown> };
      expect(Object.keys(Variables).sort(), entry.fn).toEqual([...environmentNames(entry), 'NODE_OPTIONS'].sort());
    }
  });

  it('schedules each scheduled function at its rate, and feeds the stream function from the table stream', () => {
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(functionsTriggeredBy('schedule').length);
    for (const job of functionsTriggeredBy('schedule')) {
      const target = { 'Fn::GetAtt': [deployedId(job), 'Arn'] };
      const rule = rules.find((r) => JSON.stringify(r.Properties.Targets).includes(JSON.stringify(target)));
      expect(rule?.Properties.ScheduleExpression, job.fn).toBe(rateExpression(job.trigger.everyMinutes));
    }
    const [stream] = functionsTriggeredBy('stream');
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map((m) => m.Properties.FunctionName)).toEqual([{ Ref: stream && deployedId(stream) }]);
  });

  it('writes rate expressions the way EventBridge accepts them', () => {
    expect(rateExpression(1)).toBe('rate(1 minute)');
    expect(rateExpression(5)).toBe('rate(5 minutes)');
  });

  it('is the functions table of docs/deploying.md', () => {
    const doc = readFileSync(new URL('../../docs/deploying.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderFunctionTable());
  });
});
