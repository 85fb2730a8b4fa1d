// One stack per environment, derived from the table of every function (infra/functions.ts), the
// route table and the table definition.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  type HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  ProjectionType,
  StreamViewType,
  Table,
} from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { tableDefinition } from '../lib/store/table.ts';
import { Dispatch } from './dispatch.ts';
import { constructIdFor, functionNamed, lambdaFunctions, onlyFunctionTriggeredBy } from './functions.ts';
import { RouteFunction, routeFunctionProps } from './route-function.ts';
import { type Route, routeByKey, routes, splitRouteKey } from './routes.ts';
import type { SsfSigningKeys } from './ssf-signing-keys.ts';

export interface EventHubStackProps extends StackProps {
  readonly envName: string;
  /** The SSF signing keys' stack (infra/ssf-signing-keys.ts). */
  readonly signingKeys: SsfSigningKeys;
}

export { constructIdFor };

/** API Gateway refuses route keys ending in `/`: `GET /events/events/` is deployed as `GET /events/events`. */
export function gatewayRouteKey(key: string): string {
  return key.endsWith('/') && !key.endsWith(' /') ? key.slice(0, -1) : key;
}

/**
 * The routes API Gateway gets, one per gateway key. Where the table has both `/p` (Flask's
 * redirect) and `/p/`, the gateway cannot tell them apart, so only `/p/` is deployed.
 */
export function deployedRoutes(table: readonly Route[] = routes): Route[] {
  const byKey = new Map<string, Route>();
  for (const route of table) {
    const key = gatewayRouteKey(route.key);
    const other = byKey.get(key);
    if (other && !other.key.endsWith('/') && !route.key.endsWith('/'))
      throw new Error(`route ${key} twice in the route table`);
    if (!other || route.key.endsWith('/')) byKey.set(key, route);
  }
  return [...byKey.values()];
}

/** Stage throttling when the context names none for the environment. */
export const defaultThrottle = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * Stage throttling for an environment: `-c throttleRateLimit=N -c throttleBurstLimit=N`, else
 * the context's `throttle.<env>` (cdk.json), else `defaultThrottle`.
 */
export function throttleFor(scope: Construct, envName: string): Required<ThrottleSettings> {
  const perEnv = scope.node.tryGetContext('throttle')?.[envName] ?? {};
  const limit = (name: keyof typeof defaultThrottle, flag: string) => {
    const value = Number(scope.node.tryGetContext(flag) ?? perEnv[name] ?? defaultThrottle[name]);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${flag} (throttle.${envName}.${name}) must be a positive integer`);
    return value;
  };
  return { rateLimit: limit('rateLimit', 'throttleRateLimit'), burstLimit: limit('burstLimit', 'throttleBurstLimit') };
}

/**
 * The base URL the service is reached at, when a domain of its own fronts the API: `-c
 * publicBaseUrl=https://events.example.com` (an https origin, no path). Without it, the routes
 * answer with the URL each request came in at (the API's own).
 */
export function publicBaseUrlOf(scope: Construct): string | undefined {
  const raw = scope.node.tryGetContext('publicBaseUrl');
  if (raw === undefined || raw === '') return undefined;
  const text = String(raw);
  const httpsOrigin = URL.canParse(text) && new URL(text).protocol === 'https:' && new URL(text).origin === text;
  if (!httpsOrigin)
    throw new Error(
      `publicBaseUrl must be an https origin with no path, e.g. https://events.example.com (got ${text})`,
    );
  return text;
}

/** One JSON object per request. Who called is the admin's name; no header, token or query is logged. */
export const accessLogFields = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  admin: '$context.authorizer.admin',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
} as const;

// Files a function reads at run time, copied into its bundle (from infra/functions.ts).
export const bundledFiles: Record<string, () => Record<string, string>> = Object.fromEntries(
  lambdaFunctions.flatMap((entry) => (entry.files ? [[entry.fn, entry.files]] : [])),
);

export class EventHubStack extends Stack {
  readonly envName: string;
  readonly table: Table;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly authorizerFunction: RouteFunction;
  readonly routeFunctions = new Map<string, RouteFunction>();
  readonly dispatch: Dispatch;
  readonly signingKeys: SsfSigningKeys;

  constructor(scope: Construct, id: string, props: EventHubStackProps) {
    super(scope, id, props);
    this.envName = props.envName;

    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: key(tableDefinition.partitionKey),
      sortKey: key(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      // The dispatcher reads post bindings from the stream; NEW_IMAGE is all it needs.
      stream: StreamViewType.NEW_IMAGE,
      // The audit log outlives any stack, in every environment.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.indexes) {
      const projection =
        index.projection === 'all'
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] };
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        ...projection,
      });
    }

    const authorizerEntry = onlyFunctionTriggeredBy('authorizer');
    this.authorizerFunction = new RouteFunction(
      this,
      constructIdFor(authorizerEntry.fn),
      routeFunctionProps(authorizerEntry, this.table),
    );
    const authorizer = new HttpLambdaAuthorizer('AdminAuthorizer', this.authorizerFunction.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // Off: a decision cached for one route would be reused on routes needing other actions.
      resultsCacheTtl: Duration.seconds(0),
      // Credentials come in Authorization or PI-Authorization; no single header may be required.
      identitySource: [],
    });

    const publicRoutes: HttpRoute[] = [];
    this.api = new HttpApi(this, 'Api', { apiName: `idp-event-hub-${this.envName}`, createDefaultStage: false });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: throttleFor(this, this.envName),
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
    const publicBaseUrl = publicBaseUrlOf(this);
    for (const route of deployedRoutes()) {
      const routeFunction = new RouteFunction(
        this,
        constructIdFor(route.fn),
        routeFunctionProps(functionNamed(route.fn), this.table),
      );
      // The issuer of SSF streams and the URLs routes hand out (functions/http/base-url.ts).
      if (publicBaseUrl) routeFunction.function.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
      this.routeFunctions.set(route.key, routeFunction);
      const { method, path } = splitRouteKey(gatewayRouteKey(route.key));
      const added = this.api.addRoutes({
        path,
        methods: [method as HttpMethod],
        integration: new HttpLambdaIntegration(`${constructIdFor(route.fn)}Integration`, routeFunction.function, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: route.action === null ? undefined : authorizer,
      });
      if (route.action === null) publicRoutes.push(...added);
    }

    // Post bindings and the seal: the stream and schedule functions of infra/functions.ts, their alarms.
    this.dispatch = new Dispatch(this, 'Dispatch', {
      table: this.table,
      envName: this.envName,
      emailFrom: this.node.tryGetContext('emailFrom'),
    });

    // The SSF signing keys (issue 23 item 7), granted to the functions infra/functions.ts marks.
    this.signingKeys = props.signingKeys;
    const users = [
      ...[...this.routeFunctions].map(([key, routeFunction]) => ({ fn: routeByKey(key).fn, routeFunction })),
      { fn: onlyFunctionTriggeredBy('stream').fn, routeFunction: this.dispatch.dispatcher },
    ];
    for (const { fn, routeFunction } of users) {
      const use = functionNamed(fn).signingKey;
      if (use) this.signingKeys.grantTo(routeFunction.function, use);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    this.acknowledgeFindings(publicRoutes);
  }

  /** Every cdk-nag finding this stack accepts, each with its reason; anything else fails synth. */
  private acknowledgeFindings(publicRoutes: HttpRoute[]) {
    const tableId = this.getLogicalId(this.table.node.defaultChild as CfnTable);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason:
        'The table grants include its own GSIs (index/*), all declared in lib/store/table.ts; the wildcard reaches no other table.',
    });
    for (const route of publicRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Routes with action null in infra/routes.ts are public by design (health check, API description, docs page) and return no stored data.',
      });
    }
  }
}
