// `npm run fuzz [-- <runs> [vitest options, e.g. -t POST]]`: the route fuzz of
// test/fuzz/routes.test.ts with many more runs (FUZZ_RUNS, default 100; FUZZ_SEED replays a run,
// FUZZ_SHRINK=1 shrinks a failure); it prints the counts per route.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const runs = process.argv[2] ?? process.env.FUZZ_RUNS ?? '100';
if (!/^[1-9]\d*$/.test(runs)) {
  console.error(`fuzz: runs must be a positive integer, not ${runs}`);
  process.exit(2);
}
const vitest = fileURLToPath(new URL('../../node_modules/.bin/vitest', import.meta.url));
// --silent=false: the counts per route are the test file's console lines, which `npm test` hides.
const result = spawnSync(vitest, ['run', 'test/fuzz/routes.test.ts', '--silent=false', ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs },
});
process.exit(result.status ?? 1);
