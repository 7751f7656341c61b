#!/usr/bin/env node
// The `parley` command: runs cli/main.ts from the CLI's esbuild bundle, rebuilt first when a source
// changed; when the bundle cannot be made, from the sources through tsx (cli/bundle.js).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEntry } from './bundle.js';

// PARLEY_DEBUG prints the stack of an error (cli/main.ts): with the bundle's source maps, it names the
// .ts sources (reading the maps costs about 0.02 CPU s, so only then)
if (process.env['PARLEY_DEBUG']) process.setSourceMapsEnabled(true);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { main, dropOutputOnceReaderGone } = await loadEntry(root, 'cli/main.ts', process.stderr);
dropOutputOnceReaderGone(process.stdout);
process.exitCode = await main(process.argv.slice(2));
