// Builds the CDK app without synthesizing it, so tests get the same app `cdk synth` does.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SsfSigningKeys, signingKeyLabels } from './ssf-signing-keys.ts';
import { EventHubStack } from './stack.ts';

export interface BuildAppOptions {
  /** Passed to `new App`; the CLI's `-c env=NAME` arrives through the context. */
  readonly appProps?: AppProps;
}

export function buildApp(options: BuildAppOptions = {}) {
  const app = new App(options.appProps);
  const envName = String(app.node.tryGetContext('env') ?? 'dev');
  // The keys' own stack: the main one is at CloudFormation's 500 resources; `cdk deploy` of the
  // main stack deploys it first (a dependency).
  const signingKeys = new SsfSigningKeys(app, `IdpEventHub-${envName}-keys`, {
    envName,
    labels: signingKeyLabels(app.node.tryGetContext('ssfSigningKeys')),
  });
  const stack = new EventHubStack(app, `IdpEventHub-${envName}`, { envName, signingKeys });
  // cdk-nag 3.x is a validation plugin: synth fails on any unacknowledged error.
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, stack, signingKeys, nag };
}
