// What one status check is given, and what answers it: shared by the streams that run checks
// and the coordinators that share them between processes (a module of its own, so neither
// side imports the other).

/**
 * What a check receives: abort with `signal`; give up after `timeoutMs` (the time left, at most
 * `requestTimeoutMs`).
 */
export interface CheckContext {
  signal: AbortSignal;
  timeoutMs: number;
  /** 1 for the first check of the stream. */
  attempt: number;
}

/** Asks the server once. */
export interface CheckSource<T> {
  check(context: CheckContext): Promise<T>;
}
