// `npm run ssf:rotate-key [-- --kms-key-id <id or ARN>]`: adds the Shared Signals transmitter's next
// signing key to TABLE_NAME (on DYNAMODB_ENDPOINT when set, otherwise through the AWS default
// credential chain). It is published at once and signs after SSF_KEY_ACTIVATION_MS (1 h); the
// key it replaces stays published until its SETs have expired (7 days). Without --kms-key-id, the
// key is SSF_KMS_KEY_ID's, else a new local RSA pair. Prints kids and times, never a private part.
import { parseArgs } from 'node:util';

const usage = 'usage: npm run ssf:rotate-key [-- --kms-key-id <KMS key id or ARN>]';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'kms-key-id': { type: 'string' } },
  });
  if (positionals.length > 0) {
    console.error(usage);
    return 2;
  }
  // Read by functions/deps.ts when it loads: the one place the keys' dependencies are built.
  if (values['kms-key-id']) process.env.SSF_KMS_KEY_ID = values['kms-key-id'];
  const { ssfKeyDeps } = await import('../functions/deps.ts');
  const { rotateSigningKey, RotationRefused } = await import('../lib/ssf/signing-keys.ts');
  try {
    const rotation = await rotateSigningKey(ssfKeyDeps);
    console.log(`key ${rotation.next.kid} (generation ${rotation.next.generation}) is published now`);
    console.log(`it signs from ${rotation.next.signsFrom}; key ${rotation.retiring.kid} signs until then`);
    for (const kid of rotation.deleted) console.log(`deleted key ${kid}: out of the JWKS since its SETs expired`);
    return 0;
  } catch (error) {
    if (!(error instanceof RotationRefused)) throw error;
    console.error(`not rotated: ${error.message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
