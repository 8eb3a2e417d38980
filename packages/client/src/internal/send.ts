import { MindzieError, NetworkError, TimeoutError, type RequestDescription } from '../errors.js';
import { AttemptSignal } from './attempt-signal.js';
import { errorFromResponse } from './error-from-response.js';
import { redactCause, redactText } from './redact.js';
import { isRetryable, retryDelayMs, sleep } from './retry-policy.js';

/** What every operation needs from the client it belongs to. */
export interface SendContext {
  /** Resolves (and checks) the bearer token for one attempt. */
  token(): Promise<string>;
  timeoutMs: number;
  maxRetries: number;
}

/** One HTTP operation, described once and sent as many times as the retry policy allows. */
export interface Call {
  request: RequestDescription;
  /** False for operations that create something (execute-action, execute-block). */
  safeToRetry: boolean;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  maxRetries: number | undefined;
  /** Sends one attempt through openapi-fetch (`parseAs: 'stream'`: success bodies stay unread). */
  send(auth: string, signal: AbortSignal): Promise<{ error?: unknown; response: Response }>;
}

/** Reads a successful response. `attempt` is disposed after it returns unless it calls `attempt.keep()`. */
export type ReadSuccess<T> = (response: Response, attempt: KeptAttempt) => Promise<T>;

export interface KeptAttempt {
  request: RequestDescription;
  signal: AttemptSignal;
  timeoutMs: number;
  /** Hands the attempt's signal over to the reader (a stream), which must dispose it. */
  keep(): void;
  /** The error for a failure of this attempt: caller's reason, TimeoutError or NetworkError. */
  failure(cause: unknown): unknown;
  /** Masks the token in text that goes into an error. */
  redact(text: string): string;
}

/**
 * Sends `call`, retrying it only when it is safe to repeat, and maps every outcome to the
 * SDK's errors. The caller's abort always wins and rejects with the signal's reason.
 */
export async function send<T>(context: SendContext, call: Call, read: ReadSuccess<T>): Promise<T> {
  const timeoutMs = call.timeoutMs ?? context.timeoutMs;
  const maxRetries = call.safeToRetry ? (call.maxRetries ?? context.maxRetries) : 0;
  for (let attempt = 0; ; attempt++) {
    call.signal?.throwIfAborted();
    const token = await context.token();
    const signal = new AttemptSignal(call.signal);
    const failure = (cause: unknown) => describeFailure(cause, signal, call.request, token, timeoutMs);
    let kept = false;
    signal.arm(timeoutMs, () => new TimeoutError(`${call.request.method} ${call.request.path} did not complete within ${timeoutMs} ms`, { request: call.request }));
    try {
      const { error, response } = await call.send(`Bearer ${token}`, signal.signal);
      if (!response.ok) throw errorFromResponse(response, error, call.request, token);
      const redact = (text: string) => redactText(text, token);
      return await read(response, { request: call.request, signal, timeoutMs, keep: () => (kept = true), failure, redact });
    } catch (caught) {
      const error = failure(caught);
      if (signal.callerAborted || attempt >= maxRetries || !isRetryable(error)) throw error;
      const delay = retryDelayMs(attempt, (error as { retryAfterMs?: number }).retryAfterMs);
      if (delay === undefined) throw error;
      await sleep(delay, call.signal);
    } finally {
      if (!kept) signal.dispose();
    }
  }
}

function describeFailure(cause: unknown, signal: AttemptSignal, request: RequestDescription, token: string, timeoutMs: number): unknown {
  if (signal.callerAborted) return signal.callerSignal!.reason;
  if (signal.timedOut) {
    const reason = signal.signal.reason;
    return reason instanceof TimeoutError ? reason : new TimeoutError(`${request.method} ${request.path} timed out after ${timeoutMs} ms`, { request });
  }
  if (cause instanceof MindzieError) return cause;
  return new NetworkError(`${request.method} ${request.path} failed: ${redactText(explain(cause), token)}`, {
    request,
    cause: redactCause(cause, token),
  });
}

/** The most telling words of a fetch failure: undici hides the socket error in `cause`. */
function explain(cause: unknown): string {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const parts = [cause instanceof Error ? cause.message : String(cause)];
  if (inner && typeof inner === 'object') {
    if (typeof inner.message === 'string' && inner.message) parts.push(inner.message);
    else if (typeof inner.code === 'string') parts.push(inner.code);
  }
  return parts.join(': ');
}
