/**
 * A stream that keeps what is written to it, as text: what a job's command
 * printed, or (in tests) what a command run in-process printed.
 *
 * @example
 *   const out = collect();
 *   await run(['build'], { out: out.stream, ... });
 *   out.text(); // 'built 32 models in 1.2 s…'
 */
import { Writable } from 'node:stream';

export function collect(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}
