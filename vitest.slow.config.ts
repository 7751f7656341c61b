import { defineConfig } from 'vitest/config';

// `npm run test:slow`: the tests with inputs too large for `npm test`'s time budget
// (rows of 31 MB and more, written to a temp folder); `.ci/run` runs them after `npm test`.
export default defineConfig({
  test: {
    include: ['{ingest,warehouse,cli,service}/**/*.slow.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    env: { TZ: 'UTC' },
  },
});
