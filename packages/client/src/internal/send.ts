import { MindzieError, NetworkError, TimeoutError, type RequestDescription } from '../errors.js';
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
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  /** Sends one attempt through openapi-fetch (`parseAs: 'stream'`: success bodies stay unread). */
  send(authorization: string, signal: AbortSignal): Promise<{ error?: unknown; response: Response }>;
}

/** One attempt's control: its abort signal, its timer, and how it describes its failures. */
export interface Attempt {
  request: RequestDescription;
  signal: AbortSignal;
  timeoutMs: number;
  /** (Re)starts the timer: when it runs out, the attempt aborts with a TimeoutError saying `what`. */
  arm(what: string): void;
  disarm(): void;
  /** Stops the timer and the caller-signal listener. Called by `send`, unless the reader `keep()`s the attempt. */
  dispose(): void;
  keep(): void;
  /** The error for a failure of this attempt: the caller's abort reason, a TimeoutError, or a NetworkError. */
  failure(cause: unknown): unknown;
  /** Masks the token in text that goes into an error. */
  redact(text: string): string;
}

/**
 * Sends `call`, retrying it only when it is safe to repeat, and maps every outcome to the
 * SDK's errors. The caller's abort always wins and rejects with the signal's reason.
 */
export async function send<T>(context: SendContext, call: Call, read: (response: Response, attempt: Attempt) => Promise<T>): Promise<T> {
  const maxRetries = call.safeToRetry ? (call.maxRetries ?? context.maxRetries) : 0;
  for (let retry = 0; ; retry++) {
    call.signal?.throwIfAborted();
    const token = await context.token();
    const attempt = startAttempt(call, call.timeoutMs ?? context.timeoutMs, token);
    let kept = false;
    attempt.keep = () => (kept = true);
    try {
      const { error, response } = await call.send(`Bearer ${token}`, attempt.signal);
      if (!response.ok) throw errorFromResponse(response, error, call.request, token);
      return await read(response, attempt);
    } catch (caught) {
      const error = attempt.failure(caught);
      const delay = retry < maxRetries && !call.signal?.aborted && isRetryable(error) ? retryDelayMs(retry, (error as { retryAfterMs?: number }).retryAfterMs) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, call.signal);
    } finally {
      if (!kept) attempt.dispose();
    }
  }
}

function startAttempt(call: Call, timeoutMs: number, token: string): Attempt {
  const { request, signal: caller } = call;
  const controller = new AbortController();
  const onAbort = () => controller.abort(caller!.reason);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort);
  const attempt: Attempt = {
    request,
    signal: controller.signal,
    timeoutMs,
    arm(what) {
      attempt.disarm();
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new TimeoutError(`${request.method} ${request.path}: ${what}`, { request }));
      }, timeoutMs);
    },
    disarm: () => clearTimeout(timer),
    dispose() {
      attempt.disarm();
      caller?.removeEventListener('abort', onAbort);
    },
    keep() {},
    failure(cause) {
      if (caller?.aborted) return caller.reason;
      if (timedOut) return controller.signal.reason;
      if (cause instanceof MindzieError) return cause;
      return new NetworkError(`${request.method} ${request.path} failed: ${redactText(explain(cause), token)}`, {
        request,
        cause: redactCause(cause, token),
      });
    },
    redact: (text) => redactText(text, token),
  };
  attempt.arm(`no complete response within ${timeoutMs} ms`);
  return attempt;
}

/** The most telling words of a fetch failure: undici hides the socket error in `cause`. */
function explain(cause: unknown): string {
  const inner = (cause as { cause?: { message?: string } } | undefined)?.cause;
  return [(cause as Error)?.message ?? cause, inner?.message].filter(Boolean).join(': ');
}
