import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // DuckDB's native binding and the linkedom DOM stay outside the server bundle.
  ssr: { external: ['@duckdb/node-api', 'linkedom', '@observablehq/plot'] },
  logLevel: 'warn',
});
