#!/usr/bin/env node
// The `parley` command: registers the TypeScript loader, then runs cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main, dropOutputOnceReaderGone } = await import('./main.ts');
dropOutputOnceReaderGone(process.stdout);
process.exitCode = await main(process.argv.slice(2));
