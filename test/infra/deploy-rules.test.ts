// The synthesized stack against every deploy-time rule of test/infra/deploy-rules.ts (sources in
// docs/deploying.md): the stack as `cdk synth` builds it, and with SES mail in the prod environment.
// Each rule is also run on a copy of the template broken on purpose, to show it can fail.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { type CfnTemplate, copyOf, type Deployment, deployRules, violations } from './deploy-rules.ts';

const outdir = mkdtempSync(join(tmpdir(), 'event-hub-deploy-rules-'));
const noBundling = { 'aws:cdk:bundling-stacks': [] };
const variants = {
  dev: {},
  'prod with SES mail': { env: 'prod', emailFrom: 'alerts@example.com' },
} as const;

const deployments = new Map<string, Deployment>();
const deployment = (name: keyof typeof variants) => deployments.get(name) as Deployment;

beforeAll(() => {
  for (const [name, context] of Object.entries(variants)) {
    const { stack } = buildApp({ appProps: { outdir, context: { ...noBundling, ...context } } });
    deployments.set(name, { template: Template.fromStack(stack).toJSON() as CfnTemplate, stackName: stack.stackName });
  }
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('deploy-time rules of API Gateway, Lambda, IAM, CloudFormation and the rest', () => {
  for (const name of Object.keys(variants) as (keyof typeof variants)[]) {
    it(`the ${name} stack keeps every rule`, () => {
      expect(violations(deployment(name))).toEqual([]);
    });
  }

  it.each(deployRules.map((rule) => [rule.id, rule] as const))('%s fails on a template that breaks it', (_, rule) => {
    const broken = copyOf(deployment('dev'));
    rule.breaks(broken);
    expect(rule.check(broken).length).toBeGreaterThan(0);
    // The original is untouched, and still keeps the rule.
    expect(rule.check(deployment('dev'))).toEqual([]);
  });

  it('catches the route variable clash of issue 14 (DELETE /event/{eid} beside GET /event/{eventid})', () => {
    const broken = copyOf(deployment('dev'));
    deployRules.find((rule) => rule.id === 'http-route-variables')?.breaks(broken);
    expect(violations(broken)).toEqual([
      'http-route-variables: DELETE /event/{eid}: {eid} where another route has {eventid} under /event',
    ]);
  });

  it('counts sizes with the deployed names: an ARN-heavy role still fits 10 240 characters, a doubled one does not', () => {
    const broken = copyOf(deployment('prod with SES mail'));
    const policies = Object.values(broken.template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const statements = (p: (typeof policies)[number]) =>
      (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement;
    const largest = policies.sort((a, b) => statements(b).length - statements(a).length)[0];
    if (!largest) throw new Error('no policy');
    statements(largest).push(...Array.from({ length: 8 }, () => structuredClone(statements(largest))).flat());
    expect(violations(broken).some((problem) => problem.startsWith('iam-role-inline-policies:'))).toBe(true);
  });

  it('are all listed in docs/deploying.md with their source', () => {
    const doc = readFileSync(new URL('../../docs/deploying.md', import.meta.url), 'utf8');
    for (const rule of deployRules) {
      expect(doc, rule.id).toContain(`\`${rule.id}\``);
      expect(doc, rule.id).toContain(rule.source);
    }
  });
});
