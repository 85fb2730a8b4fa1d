// The one Lambda shape: every function of infra/functions.ts gets the same runtime, size,
// log retention, X-Ray active tracing and bundling, and a table grant no wider than the route table says.
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, type ILocalBundling, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { signingKeyPartition } from '../lib/store/table.ts';
import { bundleFunction } from './bundling.ts';
import { type LambdaFunction as FunctionEntry, functionMemoryMb, routeTimeoutSeconds } from './functions.ts';
import type { TableAccess } from './routes.ts';

export { routeTimeoutSeconds };

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface RouteFunctionProps {
  /** Entry file under functions/, without extension. */
  readonly fn: string;
  readonly table: ITable;
  readonly access: TableAccess;
  /** Files the function reads at run time: place inside the bundle → source path. */
  readonly files?: Readonly<Record<string, string>>;
  /** Default 10 s (an HTTP route); the dispatcher and the retry runner call slow peers. */
  readonly timeout?: Duration;
  /** Default 512 MB (`functionMemoryMb`). */
  readonly memoryMb?: number;
}

/** The props of a function in the table of every function (infra/functions.ts). */
export function routeFunctionProps(entry: FunctionEntry, table: ITable): RouteFunctionProps {
  return {
    fn: entry.fn,
    table,
    access: entry.access,
    files: entry.files?.(),
    timeout: Duration.seconds(entry.timeoutSeconds),
    memoryMb: entry.memoryMb,
  };
}

/**
 * The build of one function, as the asset stages it. Its fields are part of the asset's cache key
 * (the CDK hashes the bundling options as JSON): without them every function would share the
 * first one's bundle.
 */
class LocalBundling implements ILocalBundling {
  constructor(
    readonly fn: string,
    readonly files: Readonly<Record<string, string>>,
  ) {}

  tryBundle(outputDir: string): boolean {
    bundleFunction(this.fn, outputDir, projectRoot, this.files);
    return true;
  }
}

export class RouteFunction extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);
    // An explicit log group: logRetention would add a custom-resource Lambda to the stack.
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // Our own role: write to this one log group only, instead of the managed
    // AWSLambdaBasicExecutionRole (logs on every group in the account).
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.function = new LambdaFunction(this, 'Function', {
      // Bundled here, in this process, by the build bench/ measures (infra/bundling.ts): esbuild is a
      // dependency, so the image (the one NodejsFunction would use) is never started.
      code: Code.fromAsset(projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: Runtime.NODEJS_24_X.bundlingImage, local: new LocalBundling(props.fn, props.files ?? {}) },
      }),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? functionMemoryMb,
      timeout: props.timeout ?? Duration.seconds(routeTimeoutSeconds),
      logGroup,
      role,
      // Active tracing without the Tracer library: Lambda's own segments (init, invocation).
      tracing: Tracing.ACTIVE,
      environment: {
        ...(props.access !== 'none' && { TABLE_NAME: props.table.tableName }),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions.',
    });
    if (props.access === 'read' || props.access === 'read+keys') props.table.grantReadData(this.function);
    else if (props.access === 'write') props.table.grantReadWriteData(this.function);
    // A public route's write, narrowed by IAM to the signing keys' partition: no other item.
    if (props.access === 'read+keys') {
      this.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [signingKeyPartition] } },
        }),
      );
    }
  }
}
