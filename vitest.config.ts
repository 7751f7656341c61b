import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{warehouse,ingest,models,cli,demo,scorecards,insights,notebooks,testing}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
  },
});
