// Small abort-signal plumbing that removes every listener it adds (no leaks when one
// caller signal serves thousands of waits). AbortSignal.any would do, but needs Node 20.3.

/** Aborts `target` (with the same reason) when `source` aborts; returns the unlink function. */
export function follow(source: AbortSignal | undefined, target: AbortController): () => void {
  if (source === undefined) return () => {};
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** setTimeout's largest delay; longer ones fire at once, so timers re-arm in steps. */
export const MAX_TIMER_MS = 2_147_483_647;
