// The stack, checked against the route table and the table definition: every expected count
// is derived from them. One synth for the file, with bundling skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { routes } from '../../infra/routes.ts';
import { deployedRoutes, gatewayRouteKey } from '../../infra/stack.ts';
import { tableDefinition } from '../../lib/store/table.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const outdir = mkdtempSync(join(tmpdir(), 'event-hub-cdk-'));
const noBundling = { 'aws:cdk:bundling-stacks': [] };
const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const deployed = deployedRoutes();

let built: ReturnType<typeof buildApp>;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  built = buildApp({ appProps: { outdir, context: noBundling } });
  built.app.synth(); // also runs cdk-nag: an unacknowledged error throws here
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function functionIdFor(key: string): string {
  const routeFunction = built.stack.routeFunctions.get(key);
  if (!routeFunction) throw new Error(`no function for ${key}`);
  return built.stack.getLogicalId(routeFunction.function.node.defaultChild as CfnFunction);
}

/** Every IAM action granted to a function's role, read from the template. */
function actionsOf(functionId: string): string[] {
  const fn = resources[functionId];
  if (!fn) throw new Error(`no resource ${functionId}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
    .flatMap((s) => s.Action);
}

describe('EventHubStack', () => {
  it('deploys every route of the table, one gateway route per distinct gateway key', () => {
    const gatewayKeys = new Set(routes.map((r) => gatewayRouteKey(r.key)));
    expect(new Set(deployed.map((r) => gatewayRouteKey(r.key)))).toEqual(gatewayKeys);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', gatewayKeys.size);
  });

  it('has one function per deployed route plus the authorizer, all nodejs24.x on arm64', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(deployed.length + 1);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 10,
        Environment: { Variables: { TABLE_NAME: expect.anything(), NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('gives every function its own log group with retention', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(ofType('AWS::Lambda::Function').length);
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const ref = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[ref]?.Type).toBe('AWS::Logs::LogGroup');
    }
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('routes each key to its own function, with the authorizer exactly where the table has an action', () => {
    for (const route of deployed) {
      const routeKey = gatewayRouteKey(route.key);
      const found = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
      expect(found, routeKey).toHaveLength(1);
      const props = found[0]?.[1].Properties ?? {};
      expect(props.AuthorizationType, routeKey).toBe(route.action === null ? 'NONE' : 'CUSTOM');
      expect(props.AuthorizerId !== undefined, routeKey).toBe(route.action !== null);
      const target = (props.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      expect(resources[target]?.Properties, routeKey).toMatchObject({
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionIdFor(route.key), 'Arn'] },
      });
    }
  });

  it('has one authorizer: simple responses, never cached', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: [],
    });
  });

  it('builds the table from the shared definition', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableDefinition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          index.projection === 'all'
            ? { ProjectionType: 'ALL' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      })),
    });
  });

  it('grants read-only functions no write action, and write functions their writes', () => {
    for (const route of deployed) {
      const actions = actionsOf(functionIdFor(route.key));
      expect(actions, route.key).toContain('dynamodb:Query');
      if (route.access === 'read')
        expect(
          actions.filter((a) => writeActions.includes(a)),
          route.key,
        ).toEqual([]);
      else expect(actions, route.key).toEqual(expect.arrayContaining(writeActions));
    }
    const authorizerId = built.stack.getLogicalId(
      built.stack.authorizerFunction.function.node.defaultChild as CfnFunction,
    );
    expect(actionsOf(authorizerId).filter((a) => writeActions.includes(a))).toEqual([]);
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions finding, error or warning', () => {
    const { violations } = built.nag.validateScope(built.app);
    const findings = violations.map((v) => ({
      rule: v.ruleName,
      severity: v.severity,
      at: v.violatingResources.map((r) => r.constructPath),
    }));
    expect(findings).toEqual([]);
  });

  it('names the stack after the env context, dev by default', () => {
    expect(built.stack.stackName).toBe('IdpEventHub-dev');
    const prod = buildApp({ appProps: { outdir, context: { ...noBundling, env: 'prod' } } });
    expect(prod.stack.stackName).toBe('IdpEventHub-prod');
    expect(prod.stack.envName).toBe('prod');
  });
});
