// SvelteKit: the dashboard app lives in dashboard/ (routes, lib, hooks, app.html).
// `parley serve` builds it into build/ with adapter-node and serves it from its own process.
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build', precompress: false }),
    files: { src: 'dashboard', assets: 'dashboard/static' },
    // Form actions keep SvelteKit's origin check (CSRF): it stays on.
    csrf: { trustedOrigins: [] },
  },
};
