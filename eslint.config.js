// ESLint: the recommended rules of JavaScript, typescript-eslint and Svelte,
// without type information (fast on two cores); layout is Prettier's
// (.prettierrc.json). `npm run lint` runs both; `npm run format` rewrites.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['node_modules/', 'build/', 'dist/', '.svelte-kit/', '.scratch/', 'bench/data/', 'coverage/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
    rules: {
      // The app is served at the root of its host (no `paths.base`): a plain href is the resolved one.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  {
    rules: {
      // `_` names a value left out on purpose (`({ id: _, ...rest }) => rest`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
