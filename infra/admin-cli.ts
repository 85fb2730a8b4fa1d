// `npm run admin -- create <name> --actions a,b | list | revoke <name>`: manages admins in
// TABLE_NAME on DYNAMODB_ENDPOINT when set, otherwise through the AWS default credential chain.
import { parseArgs } from 'node:util';
import { createAdmin, parseActions, revokeAdmin } from '../lib/admins/admins.ts';
import { policyActions } from '../lib/admins/policy-actions.ts';
import { adminStore } from '../lib/store/admins.ts';

const usage = `usage:
  npm run admin -- create <name> --actions ${policyActions.join(',')}
  npm run admin -- list
  npm run admin -- revoke <name>`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { actions: { type: 'string' } },
  });
  const [command, name] = positionals;
  if (command === 'create' && name) {
    const token = await createAdmin(adminStore, name, parseActions(values.actions ?? ''));
    console.error(`created admin ${name}; the token is shown once:`);
    console.log(token);
    return 0;
  }
  if (command === 'list') {
    for (const admin of await adminStore.all())
      console.log(`${admin.name}\t${admin.actions.join(',')}\t${admin.created}`);
    return 0;
  }
  if (command === 'revoke' && name) {
    if (await revokeAdmin(adminStore, name)) {
      console.log(`revoked admin ${name}`);
      return 0;
    }
    console.error(`no admin named ${name}`);
    return 1;
  }
  console.error(usage);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
