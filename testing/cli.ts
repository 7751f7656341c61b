/**
 * Runs the `parley` command in-process, as the CLI tests do: collecting
 * streams for stdout and stderr and an empty environment (so no PARLEY_DB
 * or server of the machine running the tests leaks in), save where
 * Chromium is (`npm run test:dates` starts it with the real clock).
 *
 * @example
 *   const r = await parley('metrics', 'summary', '--format', 'json', '--db', file);
 *   expect(r.code).toBe(0);
 *   JSON.parse(r.out);
 *   await parleyWithStdin('a long passphrase\n', 'user', 'passwd', 'ada', '--db', file);
 */
import { Readable } from 'node:stream';
import { main } from '../cli/main.js';
import { collect } from '../service/collect.js';
import { TEST_NOW } from './clock.js';

export interface CliRun {
  /** The exit status. */
  code: number;
  out: string;
  err: string;
}

const env = process.env['CHROMIUM_PATH'] ? { CHROMIUM_PATH: process.env['CHROMIUM_PATH'] } : {};

export async function parley(...argv: string[]): Promise<CliRun> {
  const out = collect();
  const err = collect();
  const code = await main(argv, { out: out.stream, err: err.stream, env, now: TEST_NOW });
  return { code, out: out.text(), err: err.text() };
}

/** {@link parley} with `input` as the command's stdin (for `user add`, `user passwd`). */
export async function parleyWithStdin(input: string, ...argv: string[]): Promise<CliRun> {
  const out = collect();
  const err = collect();
  const code = await main(argv, { out: out.stream, err: err.stream, env, now: TEST_NOW, in: Readable.from([input]) });
  return { code, out: out.text(), err: err.text() };
}
