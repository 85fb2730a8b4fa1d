// The one Lambda shape: every route function and the authorizer get the same runtime, size,
// log retention and bundling, and a table grant no wider than the route table says.
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface RouteFunctionProps {
  /** Entry file under functions/, without extension. */
  readonly fn: string;
  readonly table: ITable;
  readonly access: 'read' | 'write';
}

export class RouteFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);
    // An explicit log group: logRetention would add a custom-resource Lambda to the stack.
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // Our own role: write to this one log group only, instead of the managed
    // AWSLambdaBasicExecutionRole (logs on every group in the account).
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}functions/${props.fn}.ts`,
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logGroup,
      role,
      environment: { TABLE_NAME: props.table.tableName, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // The SDK inside the bundle: a faster cold import than the runtime's copy (NOTES.md).
        externalModules: [],
        // Some bundled dependencies are CommonJS and call require(); ESM has none.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // ES modules first: the SDK's CommonJS builds cannot be tree-shaken.
        mainFields: ['module', 'main'],
        esbuildArgs: {
          '--alias:@aws-sdk/credential-provider-node': './functions/http/lambda-credentials.ts',
          '--legal-comments': 'none',
        },
      },
    });
    if (props.access === 'read') props.table.grantReadData(this.function);
    else props.table.grantReadWriteData(this.function);
  }
}
