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
    // Content-Security-Policy on every page (issue 20, item 12): scripts only from this site,
    // and SvelteKit's own inline start-up script by a nonce per response ('auto': a hash on
    // prerendered pages); nothing from another origin. style-src keeps 'unsafe-inline': the
    // charts are SVG with style attributes and Observable Plot's own <style> element, and
    // Svelte writes style attributes; a style cannot run code. img-src allows data: for the
    // empty favicon of app.html. frame-ancestors 'none' is x-frame-options DENY's successor.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
