// The order test files start in. With durations from an earlier run (vitest's cache), vitest's
// own order: longest first. On a fresh clone (CI) it has none and starts the largest files first,
// which left files with a long set-up (seeding, sealing) for the end, on one worker while the
// other idled: these, the longest of a CI run (test/artifacts/results.json), start first instead.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const longestFirst = [
  'test/lib/store/live-seal.test.ts',
  'test/lib/store/event-log.test.ts',
  'test/lib/store/rollups-compact.test.ts',
  'test/functions/auth-matrix.test.ts',
  'test/ui/console.test.ts',
  'test/fuzz/routes.test.ts',
  'test/functions/events-analytics.test.ts',
  'test/functions/events-analytics-bounded.test.ts',
  'test/functions/events-analytics-sketch.test.ts',
  'test/lib/store/event-log-expiry.test.ts',
  'test/lib/store/event-log-busy-minute.test.ts',
  'test/security/prototype-names.test.ts',
];

const rank = (spec: TestSpecification) => {
  const index = longestFirst.findIndex((path) => spec.moduleId.endsWith(path));
  return index < 0 ? longestFirst.length : index;
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (sorted.every((spec) => this.ctx.cache.getTestSpecificationResult(spec))) return sorted;
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
