/**
 * Starts `testing/serve-child.ts` (`parley serve` without the dashboard) on a
 * warehouse file, for tests of commands handed to a running server.
 *
 * @example
 *   const child = await startServeChild('/tmp/w.duckdb');
 *   // … parley commands on that file go to the server …
 *   child.kill('SIGTERM');
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './paths.js';

/** Resolves once the server takes commands; `spawned` gets the child at once, so a caller can clean it up even if it never gets ready. */
export function startServeChild(db: string, spawned?: (child: ChildProcess) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'testing/serve-child.ts', db], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned?.(child);
  return new Promise((resolve, reject) => {
    let said = '';
    child.stdout!.on('data', (chunk) => {
      said += String(chunk);
      if (/^ready \d+$/m.test(said)) resolve(child);
    });
    child.stderr!.on('data', (chunk) => (said += String(chunk)));
    child.once('exit', (code) => reject(new Error(`the server stopped (${code}): ${said}`)));
  });
}
