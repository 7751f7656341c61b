/**
 * Progress on a terminal: one line rewritten in place on stderr, at most a
 * few times a second; nothing at all when stderr is not a terminal.
 */
export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

export function progressLine(err: NodeJS.WritableStream & { isTTY?: boolean }, everyMs = 200): ProgressLine {
  if (!err.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      shown = true;
      err.write(`\r\x1b[K${text}`);
    },
    done() {
      if (shown) err.write('\r\x1b[K');
    },
  };
}

export const count = (n: number) => Math.round(n).toLocaleString('en-US');
