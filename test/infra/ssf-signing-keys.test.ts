// The stack's Shared Signals signing keys (issue 23 item 7): RSA_2048 SIGN_VERIFY keys in KMS,
// granted Sign and GetPublicKey only, and only to the functions infra/functions.ts marks, with
// SSF_KMS_KEY_ID naming the newest; a rotation's context keeps both keys granted. cdk-nag runs in
// each synth (an unacknowledged finding throws).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { functionNamed, lambdaFunctions } from '../../infra/functions.ts';
import { routeByKey } from '../../infra/routes.ts';
import { signingKeyLabels } from '../../infra/ssf-signing-keys.ts';

type Resource = { Type: string; Properties: Record<string, any> };

const outdir = mkdtempSync(join(tmpdir(), 'event-hub-cdk-keys-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function synth(context: Record<string, unknown> = {}) {
  const built = buildApp({ appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } } });
  built.app.synth();
  const template = Template.fromStack(built.stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const keysTemplate = Template.fromStack(built.signingKeys);
  const keyResources = keysTemplate.toJSON().Resources as Record<string, Resource>;
  const functionIds = new Map<string, string>([
    ...[...built.stack.routeFunctions].map(([key, routeFunction]): [string, string] => [
      routeByKey(key).fn,
      built.stack.getLogicalId(routeFunction.function.node.defaultChild as CfnFunction),
    ]),
    ['dispatcher', built.stack.getLogicalId(built.stack.dispatch.dispatcher.function.node.defaultChild as CfnFunction)],
    [
      'delivery-retry',
      built.stack.getLogicalId(built.stack.dispatch.retryRunner.function.node.defaultChild as CfnFunction),
    ],
  ]);
  const keyIds = Object.entries(keyResources)
    .filter(([, resource]) => resource.Type === 'AWS::KMS::Key')
    .map(([id]) => id);
  // The main stack names a key by the keys stack's export of its ARN.
  const keyArn = (keyId: string) =>
    built.stack.resolve(
      built.signingKeys.keys.find((key) => built.signingKeys.getLogicalId(key.node.defaultChild as CfnKey) === keyId)
        ?.keyArn,
    );
  /** The KMS statements of a function's role: actions and the keys they name. */
  const kmsGrants = (fn: string) => {
    const resource = resources[functionIds.get(fn) as string] as Resource;
    const role = resource.Properties.Role['Fn::GetAtt'][0];
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === role))
      .flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kms:')));
  };
  const variables = (fn: string) =>
    (resources[functionIds.get(fn) as string] as Resource).Properties.Environment?.Variables ?? {};
  return { template, keysTemplate, resources, keyIds, keyArn, kmsGrants, variables };
}

let one: ReturnType<typeof synth>;
beforeAll(() => {
  one = synth();
});

describe('the SSF signing key', () => {
  it('is one KMS key, RSA_2048 for SIGN_VERIFY, deleted 30 days after it leaves the stack', () => {
    expect(one.keyIds).toHaveLength(1);
    one.keysTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      PendingWindowInDays: 30,
    });
  });

  it('is granted kms:Sign and kms:GetPublicKey to the functions that sign, GetPublicKey alone to the JWKS, nothing to the rest', () => {
    const arn = one.keyArn(one.keyIds[0] as string);
    expect(JSON.stringify(arn)).toContain('ImportValue');
    const signers = lambdaFunctions.filter((entry) => entry.signingKey === 'sign').map((entry) => entry.fn);
    expect(signers.sort()).toEqual(['dispatcher', 'ssf-verify']);
    expect(functionNamed('ssf-jwks').signingKey).toBe('publish');
    for (const fn of [...signers, 'ssf-jwks']) {
      const grants = one.kmsGrants(fn);
      expect(grants, fn).toHaveLength(1);
      const actions = [grants[0]?.Action].flat().sort();
      expect(actions, fn).toEqual(fn === 'ssf-jwks' ? ['kms:GetPublicKey'] : ['kms:GetPublicKey', 'kms:Sign']);
      expect(grants[0]?.Resource, fn).toEqual(arn);
      expect(one.variables(fn).SSF_KMS_KEY_ID, fn).toEqual(arn);
    }
    for (const fn of ['ssf-streams-create', 'ssf-poll', 'delivery-retry', 'events-create']) {
      expect(one.kmsGrants(fn), fn).toEqual([]);
      expect(one.variables(fn).SSF_KMS_KEY_ID, fn).toBeUndefined();
    }
  });

  it('is never granted anything but Sign and GetPublicKey', () => {
    const kmsActions = Object.values(one.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => action.startsWith('kms:'));
    expect(new Set(kmsActions)).toEqual(new Set(['kms:Sign', 'kms:GetPublicKey']));
  });
});

describe('a rotation in the stack (-c ssfSigningKeys=1,2)', () => {
  it('keeps both keys granted and names the newer in SSF_KMS_KEY_ID', () => {
    const two = synth({ ssfSigningKeys: '1,2' });
    expect(two.keyIds).toHaveLength(2);
    const [older, newer] = two.keyIds; // in label order
    expect(two.variables('dispatcher').SSF_KMS_KEY_ID).toEqual(two.keyArn(newer as string));
    expect(two.keyArn(older as string)).not.toEqual(two.keyArn(newer as string));
    const named = two.kmsGrants('dispatcher').map((statement) => statement.Resource);
    expect(named).toEqual(expect.arrayContaining([two.keyArn(older as string), two.keyArn(newer as string)]));
  });

  it('takes labels of letters and digits only', () => {
    expect(signingKeyLabels(undefined)).toEqual(['1']);
    expect(signingKeyLabels('1, 2')).toEqual(['1', '2']);
    expect(signingKeyLabels(['a', 'b'])).toEqual(['a', 'b']);
    expect(() => signingKeyLabels('1,,2')).toThrow(/ssfSigningKeys/);
    expect(() => signingKeyLabels('key-1')).toThrow(/ssfSigningKeys/);
  });
});
