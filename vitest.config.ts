import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{warehouse,accounts,ingest,models,cli,demo,scorecards,insights,notebooks}/**/*.test.ts', 'dashboard/lib/server/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
  },
});
