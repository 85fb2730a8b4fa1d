// The stack, checked against the route table and the table definition: every expected count
// is derived from them. One synth for the file, with bundling skipped.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsAssets } from '../../functions/http/docs.ts';
import { buildApp } from '../../infra/build-app.ts';
import { RouteFunction } from '../../infra/route-function.ts';
import { routes } from '../../infra/routes.ts';
import { accessLogFields, bundledFiles, defaultThrottle, deployedRoutes, gatewayRouteKey } from '../../infra/stack.ts';
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

function dispatchFunctionId(which: 'dispatcher' | 'retryRunner' | 'sealer' | 'liveSealer'): string {
  return built.stack.getLogicalId(built.stack.dispatch[which].function.node.defaultChild as CfnFunction);
}

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

/**
 * Whether a function's only table writes are PutItem on the signing keys' partition (IAM's
 * dynamodb:LeadingKeys): true when every write statement it has is that one, and it has it.
 */
function keyWritesOf(functionId: string): boolean {
  const fn = resources[functionId];
  if (!fn) throw new Error(`no resource ${functionId}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  type Statement = { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };
  const writes = ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => [statement.Action].flat().some((action) => writeActions.includes(action)));
  return (
    writes.length === 1 &&
    JSON.stringify([writes[0]?.Action].flat()) === JSON.stringify(['dynamodb:PutItem']) &&
    JSON.stringify(writes[0]?.Condition) ===
      JSON.stringify({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SSFKEY'] } })
  );
}

describe('EventHubStack', () => {
  it('deploys every route of the table, one gateway route per distinct gateway key', () => {
    const gatewayKeys = new Set(routes.map((r) => gatewayRouteKey(r.key)));
    expect(new Set(deployed.map((r) => gatewayRouteKey(r.key)))).toEqual(gatewayKeys);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', gatewayKeys.size);
  });

  it('has one function per deployed route plus the authorizer, the dispatcher, the retry runner, the seal and the live seal, all nodejs24.x on arm64', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(deployed.length + 5);
    const dispatchIds = ['dispatcher', 'retryRunner', 'sealer', 'liveSealer'].map((which) =>
      dispatchFunctionId(which as 'sealer'),
    );
    const liveSealer = dispatchFunctionId('liveSealer');
    const tableless = deployed.filter((route) => route.access === 'none').map((route) => functionIdFor(route.key));
    // A route that waits (a long poll) names its own timeout in the route table.
    const timeoutOf = new Map(
      deployed.map((route) => [functionIdFor(route.key), 'timeoutSeconds' in route ? route.timeoutSeconds : 10]),
    );
    expect([...timeoutOf.values()]).toContain(15);
    expect(tableless.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        // The live seal holds the open minute's ids in memory.
        MemorySize: id === liveSealer ? 1024 : 512,
        // Routes answer within API Gateway's limits; dispatch calls slow peers (tested below).
        ...(dispatchIds.includes(id) ? {} : { Timeout: timeoutOf.get(id) ?? 10 }),
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
      // Only functions that use the table are told its name.
      const { Variables } = fn.Properties.Environment as { Variables: Record<string, unknown> };
      expect('TABLE_NAME' in Variables, id).toBe(!tableless.includes(id));
    }
  });

  it('gives every function its own log group with retention', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(ofType('AWS::Lambda::Function').length + 1); // + the access logs
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const ref = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[ref]?.Type).toBe('AWS::Logs::LogGroup');
    }
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('traces every function with X-Ray (active tracing, no Tracer library) and lets each write its traces', () => {
    const functions = ofType('AWS::Lambda::Function');
    for (const [id, fn] of functions) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(actionsOf(id), id).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    }
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

  it('grants functions that never read the table nothing on it, read-only functions no write action, and write functions their writes', () => {
    for (const route of deployed) {
      const actions = actionsOf(functionIdFor(route.key));
      if (route.access === 'none') {
        expect(
          actions.filter((a) => a.startsWith('dynamodb:')),
          route.key,
        ).toEqual([]);
        continue;
      }
      expect(actions, route.key).toContain('dynamodb:Query');
      if (route.access === 'read')
        expect(
          actions.filter((a) => writeActions.includes(a)),
          route.key,
        ).toEqual([]);
      else if (route.access === 'read+keys') expect(keyWritesOf(functionIdFor(route.key)), route.key).toBe(true);
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

  it('throttles the stage and writes JSON access logs, without credentials, to a log group with retention', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]?.[1].Properties ?? {};
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: defaultThrottle.rateLimit,
        ThrottlingBurstLimit: defaultThrottle.burstLimit,
      },
    });
    const { DestinationArn, Format } = stage.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
      Format: string;
    };
    const group = resources[DestinationArn['Fn::GetAtt'][0]];
    expect(group?.Type).toBe('AWS::Logs::LogGroup');
    expect(group?.Properties.RetentionInDays).toBe(30);
    const format = JSON.parse(Format) as Record<string, string>;
    expect(format).toEqual(accessLogFields);
    expect(format.requestId).toBe('$context.requestId');
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
    expect(Format).not.toMatch(/authorization|header|token|querystring|body|cookie/i);
  });

  it('takes throttling per environment from the context, and refuses a limit that is not a positive integer', () => {
    const throttleOf = (context: Record<string, unknown>) => {
      const { stack } = buildApp({ appProps: { outdir, context: { ...noBundling, ...context } } });
      const [stage] = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Stage'));
      return (stage as Resource).Properties.DefaultRouteSettings;
    };
    const throttle = { prod: { rateLimit: 500, burstLimit: 1000 } };
    expect(throttleOf({ env: 'prod', throttle })).toEqual({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 });
    expect(throttleOf({ env: 'test', throttle })).toEqual({
      ThrottlingRateLimit: defaultThrottle.rateLimit,
      ThrottlingBurstLimit: defaultThrottle.burstLimit,
    });
    // `-c throttleRateLimit=7` arrives as a string and wins over cdk.json.
    expect(throttleOf({ env: 'prod', throttle, throttleRateLimit: '7' })).toEqual({
      ThrottlingRateLimit: 7,
      ThrottlingBurstLimit: 1000,
    });
    expect(() => throttleOf({ env: 'prod', throttleBurstLimit: '0' })).toThrow(/throttleBurstLimit/);
    expect(() => throttleOf({ env: 'prod', throttle: { prod: { rateLimit: 'fast' } } })).toThrow(/throttleRateLimit/);
  });

  it('gives every route function the publicBaseUrl context as PUBLIC_BASE_URL, and refuses one that is not an https origin', () => {
    const environments = (context: Record<string, unknown>) => {
      const { stack } = buildApp({ appProps: { outdir, context: { ...noBundling, ...context } } });
      return [...stack.routeFunctions.values()].map(
        (routeFunction) =>
          Template.fromStack(stack).toJSON().Resources[
            stack.getLogicalId(routeFunction.function.node.defaultChild as CfnFunction)
          ].Properties.Environment?.Variables ?? {},
      );
    };
    const named = environments({ publicBaseUrl: 'https://events.example.com' });
    expect(named.length).toBe(built.stack.routeFunctions.size);
    for (const variables of named) expect(variables.PUBLIC_BASE_URL).toBe('https://events.example.com');
    for (const variables of environments({})) expect(variables.PUBLIC_BASE_URL).toBeUndefined();
    for (const bad of ['http://events.example.com', 'https://events.example.com/api', 'events.example.com'])
      expect(() => environments({ publicBaseUrl: bad }), bad).toThrow(/publicBaseUrl/);
  });

  it('names the stack after the env context, dev by default', () => {
    expect(built.stack.stackName).toBe('IdpEventHub-dev');
    const prod = buildApp({ appProps: { outdir, context: { ...noBundling, env: 'prod' } } });
    expect(prod.stack.stackName).toBe('IdpEventHub-prod');
    expect(prod.stack.envName).toBe('prod');
  });
});

describe('a function that reads files at run time (the docs assets)', () => {
  const bundleOut = mkdtempSync(join(tmpdir(), 'event-hub-docs-bundle-'));
  afterAll(() => rmSync(bundleOut, { recursive: true, force: true }));

  it('gets them inside its Lambda bundle, and the bundle serves them with no node_modules in reach', () => {
    expect(Object.keys(bundledFiles).every((fn) => routes.some((route) => route.fn === fn))).toBe(true);
    const app = new App({ outdir: bundleOut });
    const stack = new Stack(app, 'DocsBundle');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    new RouteFunction(stack, 'DocsAsset', {
      fn: 'docs-asset',
      table,
      access: 'none',
      files: bundledFiles['docs-asset']?.(),
    });
    app.synth();
    const [bundle] = readdirSync(bundleOut)
      .map((name) => join(bundleOut, name))
      .filter((dir) => existsSync(join(dir, 'index.mjs')));
    if (!bundle) throw new Error('no function bundle in the cloud assembly');
    expect(readdirSync(join(bundle, 'swagger-ui')).sort()).toEqual(Object.keys(docsAssets).sort());

    // Run the bundle the way Lambda would: a fresh Node, cwd in the bundle, nothing else installed.
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
      const { createHash } = await import('node:crypto');
      const answers = {};
      for (const asset of ${JSON.stringify([...Object.keys(docsAssets), 'package.json'])}) {
        const event = { version: '2.0', routeKey: 'GET /docs/{asset}', rawPath: '/docs/' + asset, rawQueryString: '',
          headers: {}, pathParameters: { asset }, isBase64Encoded: false,
          requestContext: { http: { method: 'GET', path: '/docs/' + asset } } };
        const answer = await handler(event, { getRemainingTimeInMillis: () => 10000 });
        answers[asset] = { status: answer.statusCode, type: answer.headers['content-type'],
          sha: createHash('sha256').update(answer.body).digest('hex') };
      }
      console.log(JSON.stringify(answers));`;
    const { NODE_PATH: _, ...env } = process.env;
    // Its stderr is piped, not inherited: a failure's error message carries it.
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundle,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const answers = JSON.parse(output.toString().trim().split('\n').at(-1) ?? '{}');
    for (const [asset, type] of Object.entries(docsAssets)) {
      const source = bundledFiles['docs-asset']?.()[`swagger-ui/${asset}`] ?? '';
      expect(answers[asset], asset).toEqual({
        status: 200,
        type,
        sha: createHash('sha256').update(readFileSync(source, 'utf8')).digest('hex'),
      });
    }
    expect(answers['package.json'].status).toBe(400); // only the whitelisted files
  });
});

describe('dispatch (post bindings)', () => {
  const ref = (id: string) => ({ Ref: id });
  const queueId = () => built.stack.getLogicalId(built.stack.dispatch.streamFailures.node.defaultChild as never);
  const tableId = () => built.stack.getLogicalId(built.stack.table.node.defaultChild as never);

  it('feeds the dispatcher from the table stream: event inserts only, bisect on error, bounded retries, SQS on failure', async () => {
    const { eventInsertFilter } = await import('../../lib/store/event-stream.ts');
    const { streamRetryAttempts } = await import('../../infra/dispatch.ts');
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({
      FunctionName: ref(dispatchFunctionId('dispatcher')),
      EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: streamRetryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId(), 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(eventInsertFilter) }] },
    });
    expect(streamRetryAttempts).toBeGreaterThan(0);
    expect(streamRetryAttempts).toBeLessThanOrEqual(10);
  });

  it('gives the dispatcher and the retry runner table writes, longer timeouts and the metrics namespace', () => {
    for (const which of ['dispatcher', 'retryRunner'] as const) {
      const fn = resources[dispatchFunctionId(which)];
      expect(fn?.Properties.Timeout as number, which).toBeGreaterThan(60);
      expect(fn?.Properties.Environment).toMatchObject({ Variables: { METRICS_NAMESPACE: 'IdpEventHub/dev' } });
      expect(actionsOf(dispatchFunctionId(which)), which).toEqual(
        expect.arrayContaining([...writeActions, 'dynamodb:Query']),
      );
    }
    expect(actionsOf(dispatchFunctionId('dispatcher'))).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'sqs:SendMessage']),
    );
  });

  it('runs the retry runner every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [dispatchFunctionId('retryRunner'), 'Arn'] } })],
    });
  });

  it('keeps the deploy-time rules of HTTP API routes: one variable name per level, greedy last, valid keys, within quota', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
    // 300 routes per API is the default quota (API Gateway quotas for HTTP APIs).
    expect(keys.length).toBeLessThanOrEqual(300);
    const variableAt = new Map<string, string>();
    for (const key of keys) {
      expect(key, key).toMatch(/^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/[^\s]*)$/);
      if (key === '$default') continue;
      const segments = (key.split(' ')[1] as string).split('/').slice(1);
      segments.forEach((segment, level) => {
        const variable = /^\{([^}]+)\}$/.exec(segment)?.[1];
        if (!variable) return;
        if (variable.endsWith('+')) expect(level, `${key}: a greedy variable only last`).toBe(segments.length - 1);
        // "conflicting variable on the same hierarchical level": one name per parent path.
        const parent = segments.slice(0, level).join('/');
        const known = variableAt.get(parent) ?? variable;
        expect(variable, `${key}: another variable name than ${known} under /${parent}`).toBe(known);
        variableAt.set(parent, variable);
      });
    }
  });

  it('runs the seal every minute, with table writes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [dispatchFunctionId('sealer'), 'Arn'] } })],
    });
    expect(actionsOf(dispatchFunctionId('sealer'))).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem']),
    );
  });

  it('keeps set-aside records in an encrypted queue that only accepts TLS', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(queueId())],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('sends mail through SES from the emailFrom context, allowed for that identity only', async () => {
    const { Dispatch } = await import('../../infra/dispatch.ts');
    const { StreamViewType } = await import('aws-cdk-lib/aws-dynamodb');
    const app = new App({ outdir, context: noBundling });
    const stack = new Stack(app, 'MailStack', { env: { account: '111122223333', region: 'eu-west-1' } });
    const table = new Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      stream: StreamViewType.NEW_IMAGE,
    });
    const dispatch = new Dispatch(stack, 'Dispatch', { table, envName: 'mail', emailFrom: 'alerts@example.com' });
    const mail = Template.fromStack(stack);
    for (const runner of [dispatch.dispatcher, dispatch.retryRunner]) {
      const id = stack.getLogicalId(runner.function.node.defaultChild as CfnFunction);
      mail.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ EMAIL_TRANSPORT: 'ses', EMAIL_FROM: 'alerts@example.com' }) },
      });
      const role = (mail.toJSON().Resources[id].Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const statements = Object.values(mail.findResources('AWS::IAM::Policy'))
        .filter((policy) => policy.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement) => JSON.stringify(statement.Action).includes('ses:'));
      expect(statements).toHaveLength(1);
      expect(statements[0].Action).toBe('ses:SendEmail');
      const resourcesText = JSON.stringify(statements[0].Resource);
      expect(statements[0].Resource).toHaveLength(2);
      expect(resourcesText).toContain(':ses:eu-west-1:111122223333:identity/alerts@example.com');
      expect(resourcesText).toContain(':ses:eu-west-1:111122223333:identity/example.com');
    }
    expect(() => new Dispatch(stack, 'Bad', { table, envName: 'mail', emailFrom: 'nobody' })).toThrow(
      'not an email address',
    );
    // Without the context (the stack under test), no function may send mail through SES.
    expect(JSON.stringify(resources)).not.toContain('ses:SendEmail');
  });

  it('alarms on dead deliveries, on the stream iterator age and on set-aside records', async () => {
    const { iteratorAgeAlarmMs } = await import('../../infra/dispatch.ts');
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Namespace: 'IdpEventHub/dev',
          MetricName: 'dead',
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'IteratorAge',
          Statistic: 'Maximum',
          Threshold: iteratorAgeAlarmMs,
          Dimensions: [{ Name: 'FunctionName', Value: ref(dispatchFunctionId('dispatcher')) }],
        }),
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
        }),
      ]),
    );
  });
});
