// Redis away: the error a check falls back on, and the time limit every Redis call runs under.

/** A Redis call failed or took too long: this check polls locally instead. */
export class RedisAwayError extends Error {
  override name = 'RedisAwayError';
}

/**
 * Settles like `promise`, or rejects with RedisAwayError after `ms` (the late answer is dropped).
 * The timeout gives I/O one turn first: after this process was paused, the answer may be
 * waiting unread, and a timer that fired late is no proof that Redis was slow.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let turn: ReturnType<typeof setImmediate> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      turn = setImmediate(() => reject(new RedisAwayError(`Redis did not answer within ${ms} ms`)));
    }, ms);
  });
  promise.catch(() => {}); // a late failure is not unhandled
  return Promise.race([promise, late]).finally(() => {
    clearTimeout(timer);
    clearImmediate(turn);
  });
}
