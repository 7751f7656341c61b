// Browser tests of the dashboard (tests/e2e/), driving Debian's Chromium.
// The web server is `parley serve` over a fresh small demo warehouse made by `parley demo`
// (generated data, models, demo accounts, a QA sample).
import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PORT = Number(process.env['PARLEY_E2E_PORT'] ?? 5297);
const DB = path.join(tmpdir(), `parley-e2e-${PORT}.duckdb`);
const CONFIG = 'tests/e2e/fixtures/parley.config.yaml';
// The moment the run starts for every Parley process of it (testing/e2e-clock.js): the demo's data, the
// default date ranges and the live queue are the same whatever day the tests run on. A Wednesday in
// the middle of a month, outside any change of summer time.
const E2E_NOW = Date.parse('2026-11-18T10:00:00Z');
const CLOCK = { NODE_OPTIONS: `--import=${path.resolve('testing/e2e-clock.js')}`, PARLEY_E2E_CLOCK_OFFSET_MS: String(E2E_NOW - Date.now()) };

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  // One retry on CI: a fresh-check run once failed one test, and the failure
  // could not be reproduced in the six runs after it; Playwright still reports such a test as flaky, so it stays visible.
  retries: process.env['CI'] ? 1 : 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    viewport: { width: 1280, height: 900 },
    trace: 'off',
  },
  webServer: {
    // A fresh demo warehouse (accounts, a QA sample), plus a hostile fixture: bodies with HTML and
    // script, and a broken record for the quarantine. The fixture is loaded as source "demo": another
    // source would end the demo (disable the demo accounts, accounts/demo-accounts.ts). The build and
    // the server read tests/e2e/fixtures/parley.config.yaml (the defaults and a costs section).
    command: [
      `rm -rf ${DB} ${DB}.wal ${DB}.webhooks.jsonl ${DB.replace(/\.duckdb$/, '-uploads')}`,
      `node cli/parley.js demo --conversations 3000 --db ${DB} --no-serve`,
      `node cli/parley.js ingest tests/e2e/fixtures/hostile.jsonl --source demo --db ${DB}`,
      `node cli/parley.js build --db ${DB} --config ${CONFIG}`,
      `node cli/parley.js serve --db ${DB} --port ${PORT} --config ${CONFIG}`,
    ].join(' && '),
    url: `http://127.0.0.1:${PORT}/login`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { ...(process.env as Record<string, string>), ...CLOCK },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
