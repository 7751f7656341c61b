import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

// dashboard/tsconfig.json extends the one `svelte-kit sync` writes; on a fresh
// clone it is not there yet, and every dashboard import would fail to load.
// Writing it here lets `npx vitest run` work on its own, as `npm test` does.
if (!existsSync('.svelte-kit/tsconfig.json')) {
  execFileSync(process.execPath, ['node_modules/@sveltejs/kit/svelte-kit.js', 'sync'], { stdio: 'inherit' });
}

export default defineConfig({
  test: {
    include: ['{charts,mail,warehouse,accounts,ingest,models,sync,lake,scorecards,insights,planning,notebooks,alerts,demo,dashboard,delivery,service,cli,testing}/**/*.test.ts'],
    // the slow suite has its own config (vitest.slow.config.ts, `npm run test:slow`)
    exclude: [...configDefaults.exclude, '**/*.slow.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
  },
});
