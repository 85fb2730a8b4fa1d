// The deploy-time rules of AWS that nothing local enforces, as checks over a synthesized
// CloudFormation template. Each rule names its source and carries a way to break it, so a test
// can show that the check fails on a wrong template (docs/deploying.md lists them all).

export type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };
export interface CfnTemplate {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Deployment {
  readonly template: CfnTemplate;
  readonly stackName: string;
}

export interface DeployRule {
  readonly id: string;
  readonly rule: string;
  readonly source: string;
  /** Every violation, in words; empty when the deployment keeps the rule. */
  check(deployment: Deployment): string[];
  /** Makes the deployment break this rule (on a copy), to show the check can fail. */
  breaks(deployment: Deployment): void;
}

const docs = {
  httpQuotas: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
  httpRoutes: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html',
  httpAuthorizer: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html',
  createAuthorizer: 'https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html',
  cfnAuthorizer:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-authorizer.html',
  cfnIntegration:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-integration.html',
  httpLogging: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html',
  lambdaQuotas: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  lambdaEnv: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html',
  lambdaEnvApi: 'https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html',
  lambdaCreate: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html',
  lambdaTimeout: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html',
  lambdaDdb: 'https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html',
  lambdaFiltering: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html',
  lambdaApigw: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html',
  logGroup: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html',
  retention: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
  rate: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html',
  cron: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html',
  putTargets: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html',
  iamQuotas: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
  cfnQuotas: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html',
  ddbQuotas: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html',
  sqsRetention: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html',
  alarm: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html',
} as const;

const ofType = (template: CfnTemplate, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

const props = (template: CfnTemplate, type: string) =>
  ofType(template, type).map(([id, r]) => [id, r.Properties] as const);

const first = (template: CfnTemplate, type: string): Record<string, unknown> => {
  const found = ofType(template, type)[0];
  if (!found) throw new Error(`no ${type} in the template`);
  return found[1].Properties;
};

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
function referenced(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
}

/** The function behind an integration's or authorizer's URI (`Fn::GetAtt` directly or inside a `Fn::Join`). */
function functionIdIn(value: unknown): string | undefined {
  const direct = referenced(value);
  if (direct) return direct;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  return join?.[1].map(referenced).find((id) => id !== undefined && !id.startsWith('AWS::'));
}

// Longest values of the pseudo parameters (a long Region, the longest partition), so sizes are upper bounds.
const pseudo: Record<string, string> = {
  'AWS::Region': 'ap-southeast-5',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws-us-gov',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': '',
};

// Service limits on names CloudFormation generates (`<stack>-<logical id>-<13 random>`, cut to the limit).
const nameLimit: Record<string, number> = {
  'AWS::DynamoDB::Table': 255,
  'AWS::Lambda::Function': 64,
  'AWS::IAM::Role': 64,
  'AWS::SQS::Queue': 80,
  'AWS::Logs::LogGroup': 512,
  'AWS::ApiGatewayV2::Api': 10,
};

/** The deployed value of an intrinsic, as long as CloudFormation could make it (names, ARNs). */
export function resolve(value: unknown, deployment: Deployment): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, deployment));
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  const physical = (id: string) => {
    if (id in pseudo) return id === 'AWS::StackName' ? deployment.stackName : (pseudo[id] as string);
    const type = deployment.template.Resources[id]?.Type ?? '';
    return `${deployment.stackName}-${id}-ABCDEFGHIJKLM`.slice(0, nameLimit[type] ?? 128);
  };
  if (typeof v.Ref === 'string') return physical(v.Ref);
  if (Array.isArray(v['Fn::GetAtt'])) {
    const [id, attribute] = v['Fn::GetAtt'] as [string, string];
    const type = deployment.template.Resources[id]?.Type ?? '';
    const service = type.split('::')[1]?.toLowerCase() ?? 'service';
    const arn = `arn:${pseudo['AWS::Partition']}:${service}:${pseudo['AWS::Region']}:${pseudo['AWS::AccountId']}:resource/${physical(id)}`;
    return attribute === 'StreamArn' ? `${arn}/stream/2026-01-01T00:00:00.000` : arn;
  }
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return (resolve(parts, deployment) as unknown[]).map(String).join(separator);
  }
  return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, resolve(inner, deployment)]));
}

/** IAM counts policy size without white space. */
const policySize = (document: unknown, deployment: Deployment) =>
  JSON.stringify(resolve(document, deployment)).replace(/\s/g, '').length;

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

/** The route keys of the template, as API Gateway gets them. */
const routeKeys = (template: CfnTemplate) =>
  props(template, 'AWS::ApiGatewayV2::Route').map(([, p]) => p.RouteKey as string);

/** Functions behind HTTP routes, with the timeout (ms) of their integration. */
function integratedFunctions(template: CfnTemplate): { functionId: string; integrationMs: number }[] {
  return props(template, 'AWS::ApiGatewayV2::Integration').flatMap(([, p]) => {
    const functionId = functionIdIn(p.IntegrationUri);
    return functionId ? [{ functionId, integrationMs: (p.TimeoutInMillis as number | undefined) ?? 30_000 }] : [];
  });
}

const addResource = (deployment: Deployment, id: string, resource: Resource) => {
  deployment.template.Resources[id] = resource;
};

const firstFunction = (deployment: Deployment) => {
  const found = ofType(deployment.template, 'AWS::Lambda::Function')[0];
  if (!found) throw new Error('no function in the template');
  return found[1].Properties;
};

const routeFunction = (deployment: Deployment) => {
  const id = integratedFunctions(deployment.template)[0]?.functionId ?? '';
  return (deployment.template.Resources[id] as Resource).Properties;
};

// Lambda sets these itself; a function configuration may not (configuration-envvars, "Reserved environment variables").
export const reservedEnvironmentVariables = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
];

const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const count = (limit: number, what: string, found: number) => (found > limit ? [`${found} ${what} (≤ ${limit})`] : []);

export const deployRules: readonly DeployRule[] = [
  // ---- API Gateway HTTP API
  {
    id: 'http-routes-per-api',
    rule: 'at most 300 routes per API (default quota, can be raised)',
    source: docs.httpQuotas,
    check: ({ template }) => count(300, 'routes', routeKeys(template).length),
    breaks: (d) => {
      const route = ofType(d.template, 'AWS::ApiGatewayV2::Route')[0]?.[1] as Resource;
      for (let i = 0; i < 300; i++)
        addResource(d, `Extra${i}`, { ...route, Properties: { ...route.Properties, RouteKey: `GET /extra/${i}` } });
    },
  },
  {
    id: 'http-integrations-per-api',
    rule: 'at most 300 integrations per API (cannot be raised)',
    source: docs.httpQuotas,
    check: ({ template }) => count(300, 'integrations', ofType(template, 'AWS::ApiGatewayV2::Integration').length),
    breaks: (d) => {
      const integration = ofType(d.template, 'AWS::ApiGatewayV2::Integration')[0]?.[1] as Resource;
      for (let i = 0; i < 300; i++) addResource(d, `ExtraIntegration${i}`, integration);
    },
  },
  {
    id: 'http-authorizers-per-api',
    rule: 'at most 10 authorizers per API; at most 10 stages per API',
    source: docs.httpQuotas,
    check: ({ template }) => [
      ...count(10, 'authorizers', ofType(template, 'AWS::ApiGatewayV2::Authorizer').length),
      ...count(10, 'stages', ofType(template, 'AWS::ApiGatewayV2::Stage').length),
    ],
    breaks: (d) => {
      const authorizer = ofType(d.template, 'AWS::ApiGatewayV2::Authorizer')[0]?.[1] as Resource;
      for (let i = 0; i < 10; i++) addResource(d, `ExtraAuthorizer${i}`, authorizer);
    },
  },
  {
    id: 'http-route-key',
    rule: 'a route key is `$default` or `METHOD /path` with a known method; a greedy `{name+}` only as the last segment',
    source: docs.httpRoutes,
    check: ({ template }) =>
      routeKeys(template).flatMap((key) => {
        if (key === '$default') return [];
        const [method, path, ...rest] = key.split(' ');
        if (!method || !httpMethods.includes(method) || !path?.startsWith('/') || rest.length > 0)
          return [`${key}: not METHOD /path`];
        const segments = path.split('/').slice(1);
        return segments.flatMap((segment, i) =>
          /^\{[^}]+\+\}$/.test(segment) && i !== segments.length - 1 ? [`${key}: greedy variable not last`] : [],
        );
      }),
    breaks: (d) => {
      const route = ofType(d.template, 'AWS::ApiGatewayV2::Route')[0]?.[1] as Resource;
      route.Properties.RouteKey = 'GET /files/{path+}/meta';
    },
  },
  {
    id: 'http-route-variables',
    rule: 'under one parent path, every route uses the same variable name at the same level (else ConflictException "conflicting variable on the same hierarchical level")',
    source: docs.httpRoutes,
    check: ({ template }) => {
      const names = new Map<string, string>();
      return routeKeys(template).flatMap((key) => {
        const segments = (key.split(' ')[1] ?? '').split('/').slice(1);
        return segments.flatMap((segment, level) => {
          const variable = /^\{([^}]+?)\+?\}$/.exec(segment)?.[1];
          if (!variable) return [];
          const parent = `/${segments.slice(0, level).join('/')}`;
          const known = names.get(parent) ?? variable;
          names.set(parent, known);
          return variable === known ? [] : [`${key}: {${variable}} where another route has {${known}} under ${parent}`];
        });
      });
    },
    // The mistake issue 14 found: DELETE /event/{eid} beside GET /event/{eventid}.
    breaks: (d) => {
      const route = ofType(d.template, 'AWS::ApiGatewayV2::Route').find(
        ([, r]) => r.Properties.RouteKey === 'DELETE /event/{eventid}',
      )?.[1] as Resource;
      route.Properties.RouteKey = 'DELETE /event/{eid}';
    },
  },
  {
    id: 'http-route-authorization',
    rule: 'a route with AuthorizationType CUSTOM names an authorizer of the template; a NONE route names none; its target is `integrations/<id>` of an integration in the template',
    source: docs.httpRoutes,
    check: ({ template }) =>
      props(template, 'AWS::ApiGatewayV2::Route').flatMap(([id, p]) => {
        const problems: string[] = [];
        const authorizer = referenced(p.AuthorizerId);
        if (p.AuthorizationType === 'CUSTOM') {
          if (template.Resources[authorizer ?? '']?.Type !== 'AWS::ApiGatewayV2::Authorizer')
            problems.push(`${id}: CUSTOM without an authorizer`);
        } else if (p.AuthorizationType !== 'NONE' || authorizer)
          problems.push(`${id}: authorization ${p.AuthorizationType}`);
        const target = (p.Target as { 'Fn::Join'?: [string, [string, unknown]] })['Fn::Join']?.[1];
        if (
          target?.[0] !== 'integrations/' ||
          template.Resources[referenced(target[1]) ?? '']?.Type !== 'AWS::ApiGatewayV2::Integration'
        )
          problems.push(`${id}: target is not integrations/<an integration of the template>`);
        return problems;
      }),
    breaks: (d) => {
      const route = ofType(d.template, 'AWS::ApiGatewayV2::Route').find(
        ([, r]) => r.Properties.AuthorizerId,
      )?.[1] as Resource;
      delete route.Properties.AuthorizerId;
    },
  },
  {
    id: 'http-integration',
    rule: 'a Lambda integration is AWS_PROXY with payload format 1.0 or 2.0 and a timeout of 50–30 000 ms (default 30 000)',
    source: docs.cfnIntegration,
    check: ({ template }) =>
      props(template, 'AWS::ApiGatewayV2::Integration').flatMap(([id, p]) => {
        const timeout = (p.TimeoutInMillis as number | undefined) ?? 30_000;
        return [
          ...(p.IntegrationType === 'AWS_PROXY' ? [] : [`${id}: type ${p.IntegrationType}`]),
          ...(['1.0', '2.0'].includes(p.PayloadFormatVersion as string)
            ? []
            : [`${id}: payload ${p.PayloadFormatVersion}`]),
          ...(timeout >= 50 && timeout <= 30_000 ? [] : [`${id}: timeout ${timeout} ms`]),
        ];
      }),
    breaks: (d) => {
      first(d.template, 'AWS::ApiGatewayV2::Integration').TimeoutInMillis = 60_000;
    },
  },
  {
    id: 'http-function-timeout',
    rule: "a function behind a route times out no later than its integration (≤ 30 s), so the client gets the function's answer, not the gateway's 503",
    source: docs.httpQuotas,
    check: ({ template }) =>
      integratedFunctions(template).flatMap(({ functionId, integrationMs }) => {
        const timeout = ((template.Resources[functionId]?.Properties.Timeout as number | undefined) ?? 3) * 1000;
        return timeout <= integrationMs
          ? []
          : [`${functionId}: ${timeout} ms behind a ${integrationMs} ms integration`];
      }),
    breaks: (d) => {
      routeFunction(d).Timeout = 31;
    },
  },
  {
    id: 'http-authorizer-cache',
    rule: 'authorizer result TTL 0–3600 s; with caching on (TTL > 0) at least one identity source, since the cache is keyed by them',
    source: docs.createAuthorizer,
    check: ({ template }) =>
      props(template, 'AWS::ApiGatewayV2::Authorizer').flatMap(([id, p]) => {
        const ttl = (p.AuthorizerResultTtlInSeconds as number | undefined) ?? 300;
        const sources = (p.IdentitySource as string[] | undefined) ?? [];
        return [
          ...(ttl >= 0 && ttl <= 3600 ? [] : [`${id}: TTL ${ttl} s`]),
          ...(ttl > 0 && sources.length === 0 ? [`${id}: caching on without an identity source`] : []),
        ];
      }),
    breaks: (d) => {
      first(d.template, 'AWS::ApiGatewayV2::Authorizer').AuthorizerResultTtlInSeconds = 300;
    },
  },
  {
    id: 'http-authorizer-identity-source',
    rule: 'each identity source is a selection expression: `$request.header.X`, `$request.querystring.X`, `$context.X` or `$stageVariables.X`',
    source: docs.httpAuthorizer,
    check: ({ template }) =>
      props(template, 'AWS::ApiGatewayV2::Authorizer').flatMap(([id, p]) =>
        ((p.IdentitySource as string[] | undefined) ?? [])
          .filter(
            (source) =>
              !/^\$(request\.(header|querystring)\.[^\s,$]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/.test(
                source,
              ),
          )
          .map((source) => `${id}: identity source ${source}`),
      ),
    breaks: (d) => {
      first(d.template, 'AWS::ApiGatewayV2::Authorizer').IdentitySource = ['Authorization'];
    },
  },
  {
    id: 'http-authorizer-payload',
    rule: "a Lambda (REQUEST) authorizer names payload format 1.0 or 2.0; simple responses only with 2.0; its URI is the function's `…:lambda:path/2015-03-31/functions/<arn>/invocations`; its name is 1–128 characters",
    source: docs.cfnAuthorizer,
    check: (deployment) =>
      props(deployment.template, 'AWS::ApiGatewayV2::Authorizer').flatMap(([id, p]) => {
        const version = p.AuthorizerPayloadFormatVersion as string | undefined;
        const uri = String(resolve(p.AuthorizerUri, deployment));
        const name = String(p.Name ?? '');
        return [
          ...(p.AuthorizerType === 'REQUEST' && !['1.0', '2.0'].includes(version ?? '')
            ? [`${id}: payload ${version}`]
            : []),
          ...(p.EnableSimpleResponses === true && version !== '2.0'
            ? [`${id}: simple responses with payload ${version}`]
            : []),
          ...(/^arn:[\w-]+:apigateway:[\w-]+:lambda:path\/2015-03-31\/functions\/arn:.+\/invocations$/.test(uri)
            ? []
            : [`${id}: URI ${uri}`]),
          ...(name.length >= 1 && name.length <= 128 ? [] : [`${id}: name of ${name.length} characters`]),
        ];
      }),
    breaks: (d) => {
      first(d.template, 'AWS::ApiGatewayV2::Authorizer').AuthorizerPayloadFormatVersion = '1.0';
    },
  },
  {
    id: 'http-authorizer-timeout',
    rule: "the authorizer function times out within the gateway's 10 s wait for a Lambda authorizer's response",
    source: docs.httpQuotas,
    check: ({ template }) =>
      props(template, 'AWS::ApiGatewayV2::Authorizer').flatMap(([id, p]) => {
        const fn = functionIdIn(p.AuthorizerUri) ?? '';
        const timeout = (template.Resources[fn]?.Properties.Timeout as number | undefined) ?? 3;
        return timeout <= 10 ? [] : [`${id}: function ${fn} may run ${timeout} s`];
      }),
    breaks: (d) => {
      const fn = functionIdIn(first(d.template, 'AWS::ApiGatewayV2::Authorizer').AuthorizerUri) ?? '';
      (d.template.Resources[fn] as Resource).Properties.Timeout = 11;
    },
  },
  {
    id: 'http-invoke-permission',
    rule: 'API Gateway may invoke every integrated and authorizer function (a Lambda permission for apigateway.amazonaws.com), EventBridge every scheduled one (events.amazonaws.com)',
    source: docs.lambdaApigw,
    check: ({ template }) => {
      const allowed = (principal: string) =>
        new Set(
          props(template, 'AWS::Lambda::Permission')
            .filter(([, p]) => p.Principal === principal && p.Action === 'lambda:InvokeFunction')
            .map(([, p]) => referenced(p.FunctionName)),
        );
      const gateway = allowed('apigateway.amazonaws.com');
      const events = allowed('events.amazonaws.com');
      const authorizers = props(template, 'AWS::ApiGatewayV2::Authorizer').map(([, p]) =>
        functionIdIn(p.AuthorizerUri),
      );
      const scheduled = props(template, 'AWS::Events::Rule').flatMap(([, p]) =>
        ((p.Targets as { Arn: unknown }[] | undefined) ?? []).map((t) => referenced(t.Arn)),
      );
      return [
        ...[...integratedFunctions(template).map((f) => f.functionId), ...authorizers]
          .filter((fn) => !gateway.has(fn))
          .map((fn) => `${fn}: API Gateway may not invoke it`),
        ...scheduled.filter((fn) => !events.has(fn)).map((fn) => `${fn}: EventBridge may not invoke it`),
      ];
    },
    breaks: (d) => {
      for (const [id, r] of ofType(d.template, 'AWS::Lambda::Permission'))
        if (r.Properties.Principal === 'events.amazonaws.com') delete d.template.Resources[id];
    },
  },
  {
    id: 'http-access-log',
    rule: 'the access log format is at most 3 KB and contains `$context.requestId`',
    source: docs.httpQuotas,
    check: ({ template }) =>
      props(template, 'AWS::ApiGatewayV2::Stage').flatMap(([id, p]) => {
        const format = (p.AccessLogSettings as { Format?: string } | undefined)?.Format;
        if (format === undefined) return [];
        return [
          ...(Buffer.byteLength(format) <= 3 * 1024 ? [] : [`${id}: format of ${Buffer.byteLength(format)} bytes`]),
          ...(format.includes('$context.requestId') ? [] : [`${id}: format without $context.requestId`]),
        ];
      }),
    breaks: (d) => {
      (first(d.template, 'AWS::ApiGatewayV2::Stage').AccessLogSettings as { Format: string }).Format = JSON.stringify({
        padding: 'x'.repeat(3 * 1024),
        requestId: '$context.requestId',
      });
    },
  },
  // ---- Lambda
  {
    id: 'lambda-function-name',
    rule: 'a function name (when set) is 1–64 characters of letters, digits, `-` and `_`; unset, CloudFormation generates a valid one',
    source: docs.lambdaCreate,
    check: ({ template }) =>
      props(template, 'AWS::Lambda::Function').flatMap(([id, p]) =>
        p.FunctionName === undefined || /^[A-Za-z0-9_-]{1,64}$/.test(String(p.FunctionName))
          ? []
          : [`${id}: name ${String(p.FunctionName)}`],
      ),
    breaks: (d) => {
      firstFunction(d).FunctionName = `idp-event-hub-${'very-long-'.repeat(6)}`;
    },
  },
  {
    id: 'lambda-memory-timeout',
    rule: 'memory 128–10 240 MB; timeout 1–900 s',
    source: docs.lambdaQuotas,
    check: ({ template }) =>
      props(template, 'AWS::Lambda::Function').flatMap(([id, p]) => {
        const memory = (p.MemorySize as number | undefined) ?? 128;
        const timeout = (p.Timeout as number | undefined) ?? 3;
        return [
          ...(memory >= 128 && memory <= 10_240 ? [] : [`${id}: ${memory} MB`]),
          ...(timeout >= 1 && timeout <= 900 ? [] : [`${id}: timeout ${timeout} s`]),
        ];
      }),
    breaks: (d) => {
      const scheduled = ofType(d.template, 'AWS::Lambda::Function').find(
        ([, r]) => (r.Properties.Timeout as number) > 60,
      );
      if (!scheduled) throw new Error('no long-running function');
      scheduled[1].Properties.Timeout = 901;
    },
  },
  {
    id: 'lambda-environment-size',
    rule: 'all environment variables of a function together (keys and values) are at most 4 KB, counted with the deployed names and ARNs',
    source: docs.lambdaQuotas,
    check: (deployment) =>
      props(deployment.template, 'AWS::Lambda::Function').flatMap(([id, p]) => {
        const variables = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        const size = Object.entries(variables).reduce(
          (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(String(resolve(value, deployment))),
          0,
        );
        return size <= 4096 ? [] : [`${id}: ${size} bytes of environment`];
      }),
    breaks: (d) => {
      const fn = firstFunction(d) as { Environment: { Variables: Record<string, unknown> } };
      fn.Environment.Variables.BIG = 'x'.repeat(4096);
    },
  },
  {
    id: 'lambda-environment-keys',
    rule: 'environment keys match `[a-zA-Z]([a-zA-Z0-9_])+` and none is reserved by Lambda (AWS_REGION, AWS_LAMBDA_*, _HANDLER, TZ, …)',
    source: docs.lambdaEnv,
    check: ({ template }) =>
      props(template, 'AWS::Lambda::Function').flatMap(([id, p]) =>
        Object.keys((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})
          .filter((key) => !/^[a-zA-Z][a-zA-Z0-9_]+$/.test(key) || reservedEnvironmentVariables.includes(key))
          .map((key) => `${id}: environment key ${key}`),
      ),
    breaks: (d) => {
      const fn = firstFunction(d) as { Environment: { Variables: Record<string, unknown> } };
      fn.Environment.Variables.AWS_REGION = 'eu-west-1';
    },
  },
  {
    id: 'lambda-log-group',
    rule: "each function logs to a log group of the template; a log group's name (when set) is 1–512 characters of `[.-_/#A-Za-z0-9]`; retention is one of the allowed day counts",
    source: docs.logGroup,
    check: ({ template }) => [
      ...props(template, 'AWS::Lambda::Function').flatMap(([id, p]) => {
        const group = referenced((p.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
        return template.Resources[group ?? '']?.Type === 'AWS::Logs::LogGroup'
          ? []
          : [`${id}: no log group of its own`];
      }),
      ...props(template, 'AWS::Logs::LogGroup').flatMap(([id, p]) => [
        ...(p.LogGroupName === undefined || /^[.\-_/#A-Za-z0-9]{1,512}$/.test(String(p.LogGroupName))
          ? []
          : [`${id}: name ${String(p.LogGroupName)}`]),
        ...(p.RetentionInDays === undefined || retentionDays.includes(p.RetentionInDays as number)
          ? []
          : [`${id}: retention ${p.RetentionInDays} days`]),
      ]),
    ],
    breaks: (d) => {
      first(d.template, 'AWS::Logs::LogGroup').RetentionInDays = 31;
    },
  },
  {
    id: 'lambda-stream-mapping',
    rule: 'a DynamoDB stream mapping: batch 1–10 000, retries -1–10 000, record age -1 or 60–604 800 s, parallelization 1–10, at most 5 filters',
    source: docs.lambdaDdb,
    check: ({ template }) =>
      props(template, 'AWS::Lambda::EventSourceMapping').flatMap(([id, p]) => {
        const within = (value: unknown, low: number, high: number) =>
          value === undefined || ((value as number) >= low && (value as number) <= high);
        const age = p.MaximumRecordAgeInSeconds as number | undefined;
        const filters = (p.FilterCriteria as { Filters?: unknown[] } | undefined)?.Filters ?? [];
        return [
          ...(within(p.BatchSize, 1, 10_000) ? [] : [`${id}: batch ${p.BatchSize}`]),
          ...(within(p.MaximumRetryAttempts, -1, 10_000) ? [] : [`${id}: retries ${p.MaximumRetryAttempts}`]),
          ...(age === undefined || age === -1 || within(age, 60, 604_800) ? [] : [`${id}: record age ${age} s`]),
          ...(within(p.ParallelizationFactor, 1, 10) ? [] : [`${id}: parallelization ${p.ParallelizationFactor}`]),
          ...count(5, `filters in ${id}`, filters.length),
        ];
      }),
    breaks: (d) => {
      first(d.template, 'AWS::Lambda::EventSourceMapping').MaximumRecordAgeInSeconds = 30;
    },
  },
  // ---- EventBridge
  {
    id: 'schedule-expression',
    rule: 'a schedule is `rate(1 minute|hour|day)`, `rate(N minutes|hours|days)` for N > 1, or `cron(…)` with six fields; at most 5 targets per rule, each with 0–185 retries',
    source: docs.rate,
    check: ({ template }) =>
      props(template, 'AWS::Events::Rule').flatMap(([id, p]) => {
        const problems: string[] = [];
        const expression = p.ScheduleExpression as string | undefined;
        if (expression !== undefined) {
          const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
          const cron = /^cron\((\S+ ){5}\S+\)$/.test(expression);
          const value = Number(rate?.[1]);
          const plural = rate?.[2]?.endsWith('s');
          if (!cron && (!rate || value < 1 || (value === 1) === plural)) problems.push(`${id}: schedule ${expression}`);
        }
        const targets = (p.Targets as { RetryPolicy?: { MaximumRetryAttempts?: number } }[] | undefined) ?? [];
        problems.push(...count(5, `targets of ${id}`, targets.length));
        for (const target of targets) {
          const retries = target.RetryPolicy?.MaximumRetryAttempts;
          if (retries !== undefined && (retries < 0 || retries > 185)) problems.push(`${id}: ${retries} retries`);
        }
        return problems;
      }),
    breaks: (d) => {
      first(d.template, 'AWS::Events::Rule').ScheduleExpression = 'rate(1 minutes)';
    },
  },
  // ---- IAM
  {
    id: 'iam-role-inline-policies',
    rule: "a role's inline policies together are at most 10 240 characters (white space not counted), with the deployed ARNs",
    source: docs.iamQuotas,
    check: (deployment) =>
      ofType(deployment.template, 'AWS::IAM::Role').flatMap(([roleId, role]) => {
        const own = ((role.Properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
          (p) => p.PolicyDocument,
        );
        const attached = props(deployment.template, 'AWS::IAM::Policy')
          .filter(([, p]) => ((p.Roles as unknown[] | undefined) ?? []).some((r) => referenced(r) === roleId))
          .map(([, p]) => p.PolicyDocument);
        const size = [...own, ...attached].reduce((sum: number, document) => sum + policySize(document, deployment), 0);
        return size <= 10_240 ? [] : [`${roleId}: ${size} characters of inline policy`];
      }),
    breaks: (d) => {
      const document = first(d.template, 'AWS::IAM::Policy').PolicyDocument as { Statement: unknown[] };
      const statement = document.Statement[0];
      for (let i = 0; i < 100; i++) document.Statement.push(statement);
    },
  },
  {
    id: 'iam-managed-and-trust-policies',
    rule: 'a managed policy is at most 6 144 characters; a trust policy at most 2 048; at most 10 managed policies per role (default quota)',
    source: docs.iamQuotas,
    check: (deployment) => [
      ...props(deployment.template, 'AWS::IAM::ManagedPolicy').flatMap(([id, p]) => {
        const size = policySize(p.PolicyDocument, deployment);
        return size <= 6144 ? [] : [`${id}: ${size} characters`];
      }),
      ...props(deployment.template, 'AWS::IAM::Role').flatMap(([id, p]) => {
        const size = policySize(p.AssumeRolePolicyDocument, deployment);
        return [
          ...(size <= 2048 ? [] : [`${id}: trust policy of ${size} characters`]),
          ...count(10, `managed policies on ${id}`, ((p.ManagedPolicyArns as unknown[] | undefined) ?? []).length),
        ];
      }),
    ],
    breaks: (d) => {
      const role = first(d.template, 'AWS::IAM::Role') as { AssumeRolePolicyDocument: { Statement: unknown[] } };
      const statement = role.AssumeRolePolicyDocument.Statement[0];
      for (let i = 0; i < 40; i++) role.AssumeRolePolicyDocument.Statement.push(statement);
    },
  },
  // ---- CloudFormation
  {
    id: 'cfn-template',
    rule: 'at most 500 resources and 200 outputs per stack, logical ids alphanumeric and ≤ 255 characters, the template (uploaded to S3 by cdk deploy) at most 1 MB',
    source: docs.cfnQuotas,
    check: ({ template }) => {
      const ids = Object.keys(template.Resources);
      const bytes = Buffer.byteLength(JSON.stringify(template, null, 1));
      return [
        ...count(500, 'resources', ids.length),
        ...count(200, 'outputs', Object.keys(template.Outputs ?? {}).length),
        ...ids.filter((id) => !/^[A-Za-z0-9]{1,255}$/.test(id)).map((id) => `logical id ${id}`),
        ...(bytes <= 1024 * 1024 ? [] : [`template of ${bytes} bytes`]),
      ];
    },
    breaks: (d) => {
      const group = ofType(d.template, 'AWS::Logs::LogGroup')[0]?.[1] as Resource;
      for (let i = 0; i < 300; i++) addResource(d, `ExtraLogs${i}`, group);
    },
  },
  {
    id: 'cfn-stack-name',
    rule: 'the stack name (`IdpEventHub-<env>`) starts with a letter, holds only letters, digits and `-`, at most 128 characters',
    source: docs.cfnQuotas,
    check: ({ stackName }) => (/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName) ? [] : [`stack name ${stackName}`]),
    breaks: (d) => {
      (d as { stackName: string }).stackName = 'IdpEventHub-my_env';
    },
  },
  // ---- DynamoDB, SQS, CloudWatch
  {
    id: 'dynamodb-indexes',
    rule: 'at most 20 global secondary indexes per table; index names 3–255 characters of `[a-zA-Z0-9_.-]`',
    source: docs.ddbQuotas,
    check: ({ template }) =>
      props(template, 'AWS::DynamoDB::Table').flatMap(([id, p]) => {
        const indexes = (p.GlobalSecondaryIndexes as { IndexName: string }[] | undefined) ?? [];
        return [
          ...count(20, `indexes on ${id}`, indexes.length),
          ...indexes
            .filter((i) => !/^[a-zA-Z0-9_.-]{3,255}$/.test(i.IndexName))
            .map((i) => `${id}: index ${i.IndexName}`),
        ];
      }),
    breaks: (d) => {
      const table = first(d.template, 'AWS::DynamoDB::Table') as { GlobalSecondaryIndexes: { IndexName: string }[] };
      const index = table.GlobalSecondaryIndexes[0] as { IndexName: string };
      table.GlobalSecondaryIndexes.push(
        ...Array.from({ length: 20 }, (_, i) => ({ ...index, IndexName: `extra-${i}` })),
      );
    },
  },
  {
    id: 'sqs-retention',
    rule: 'a queue keeps messages 60 s to 14 days (1 209 600 s)',
    source: docs.sqsRetention,
    check: ({ template }) =>
      props(template, 'AWS::SQS::Queue').flatMap(([id, p]) => {
        const retention = p.MessageRetentionPeriod as number | undefined;
        return retention === undefined || (retention >= 60 && retention <= 1_209_600)
          ? []
          : [`${id}: retention ${retention} s`];
      }),
    breaks: (d) => {
      first(d.template, 'AWS::SQS::Queue').MessageRetentionPeriod = 15 * 86_400;
    },
  },
  {
    id: 'cloudwatch-alarm-period',
    rule: 'an alarm period is 10, 20, 30 or a multiple of 60 s, and periods × evaluation periods is at most one day',
    source: docs.alarm,
    check: ({ template }) =>
      props(template, 'AWS::CloudWatch::Alarm').flatMap(([id, p]) => {
        const period = p.Period as number | undefined;
        if (period === undefined) return [];
        const evaluations = (p.EvaluationPeriods as number | undefined) ?? 1;
        return [
          ...([10, 20, 30].includes(period) || period % 60 === 0 ? [] : [`${id}: period ${period} s`]),
          ...(period * evaluations <= 86_400 ? [] : [`${id}: ${period} s × ${evaluations} periods`]),
        ];
      }),
    breaks: (d) => {
      first(d.template, 'AWS::CloudWatch::Alarm').Period = 90;
    },
  },
];

/** Every violation of every rule, `rule id: what`. */
export function violations(deployment: Deployment, rules: readonly DeployRule[] = deployRules): string[] {
  return rules.flatMap((rule) => rule.check(deployment).map((problem) => `${rule.id}: ${problem}`));
}

/** A deep copy that a rule's `breaks` may change. */
export function copyOf(deployment: Deployment): Deployment {
  return { template: structuredClone(deployment.template), stackName: deployment.stackName };
}
