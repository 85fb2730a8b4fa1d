// The Shared Signals signing keys in AWS KMS, a stack of their own (`IdpEventHub-<env>-keys`: the
// main stack is at CloudFormation's 500 resources): one RSA_2048 SIGN_VERIFY key per label of the
// context `ssfSigningKeys` (default `1`; e.g. `-c ssfSigningKeys=1,2` while a rotation runs).
// The last label's key is SSF_KMS_KEY_ID, the key a first start keeps; every listed key is granted
// to the functions that use one (a rotation's key joins with `npm run ssf:rotate-key`, and the
// old key must stay granted until it is out of the JWKS: README, "Shared Signals").
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { SigningKeyUse } from './routes.ts';

/** What each use may call: publishing reads the public key; signing also signs. */
export const signingKeyActions: Readonly<Record<SigningKeyUse, readonly string[]>> = {
  publish: ['kms:GetPublicKey'],
  sign: ['kms:Sign', 'kms:GetPublicKey'],
};

/** The key labels from the context value: `1`, `1,2` or a JSON list. */
export function signingKeyLabels(context: unknown): string[] {
  const raw = context ?? '1';
  const labels = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((label) => label.trim());
  if (labels.length === 0 || labels.some((label) => !/^[A-Za-z0-9]+$/.test(label)))
    throw new Error(`ssfSigningKeys must list key labels of letters and digits, e.g. 1 or 1,2 (got ${String(raw)})`);
  return labels;
}

export interface SsfSigningKeysProps extends StackProps {
  readonly labels: readonly string[];
  readonly envName: string;
}

export class SsfSigningKeys extends Stack {
  readonly keys: Key[];
  /** The key SSF_KMS_KEY_ID names: the last label's. */
  readonly current: Key;

  constructor(scope: Construct, id: string, props: SsfSigningKeysProps) {
    super(scope, id, props);
    this.keys = props.labels.map((label) => {
      const key = new Key(this, `Key${label}`, {
        keySpec: KeySpec.RSA_2048,
        keyUsage: KeyUsage.SIGN_VERIFY,
        description: `idp-event-hub ${props.envName}: Shared Signals SET signing key ${label}`,
        // A label dropped from the context after its key left the JWKS: deleted after 30 days.
        removalPolicy: RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(30),
      });
      new CfnOutput(this, `Key${label}Arn`, { value: key.keyArn, description: `SSF signing key ${label}` });
      return key;
    });
    this.current = this.keys.at(-1) as Key;
  }

  /** A function that uses the key: its id in SSF_KMS_KEY_ID, and only the actions of its use, on these keys only. */
  grantTo(fn: LambdaFunction & IGrantable, use: SigningKeyUse) {
    fn.addEnvironment('SSF_KMS_KEY_ID', this.current.keyArn);
    for (const key of this.keys) key.grant(fn, ...signingKeyActions[use]);
  }
}
