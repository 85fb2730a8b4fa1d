import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // A passing run prints only the runner's lines; a failed test shows what it logged, the
    // service's Powertools lines included (routed to `console` by this setup file).
    // `npx vitest run --silent=false` shows every test's lines.
    silent: 'passed-only',
    setupFiles: ['test/helpers/output-per-test.ts'],
    // DynamoDB Local reads are consistent: a fresh seal is read at once (the rule for AWS's
    // eventually consistent reads is tested in test/lib/store/rollups.test.ts).
    env: { ROLLUP_READ_LAG_MS: '0' },
    sequence: { sequencer: LongestFirst },
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DynamoDB Local shares two cores with the tests.
    maxWorkers: 2,
  },
});
