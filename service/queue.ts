/**
 * One at a time, in the order asked: the queue that forwarded CLI commands
 * (server.ts) and scheduled jobs (scheduler.ts) share, so that no two of them
 * ever write the warehouse at once.
 *
 * @example
 *   const queue = oneAtATime();
 *   await queue.run(() => runJob(db, 'nightly', job, ctx));
 */
export interface Queue {
  /** Runs `fn` after everything queued before it; resolves or rejects as `fn` does. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function oneAtATime(): Queue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const turn = tail.then(fn);
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}
