import { MindzieError, NetworkError, TimeoutError, type RequestDescription } from '../errors.js';
import { errorFromResponse } from './error-from-response.js';
import { redactCause, redactText, redactValue } from './redact.js';
import { isRetryable, retryDelayMs, sleep } from './retry-policy.js';

/** What every operation needs from the client it belongs to. */
export interface SendContext {
  /** The (checked) bearer token for one attempt. */
  token(): string | Promise<string>;
  timeoutMs: number;
  maxRetries: number;
}

/** What the client reads of a response: a fetch `Response` has it, and so has `@mindzie/client/node`'s own. */
export interface HttpResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** One HTTP operation, described once and sent as many times as the retry policy allows. */
export interface Call {
  request: RequestDescription;
  /** False for operations that create something (execute-action, execute-block). */
  safeToRetry: boolean;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  /** Sends one attempt; the body stays unread. */
  send(authorization: string, signal: AbortSignal): Promise<HttpResponse>;
}

/**
 * Sends `call`, retrying it only when it is safe to repeat, and maps every outcome to the
 * SDK's errors. The caller's abort always wins and rejects with the signal's reason.
 */
export async function send<T>(context: SendContext, call: Call, read: (response: HttpResponse, attempt: Attempt) => T | Promise<T>): Promise<T> {
  const maxRetries = call.safeToRetry ? (call.maxRetries ?? context.maxRetries) : 0;
  for (let retry = 0; ; retry++) {
    call.signal?.throwIfAborted();
    const attempt = new Attempt(call.request, call.signal, call.timeoutMs ?? context.timeoutMs);
    let token: string;
    try {
      // The attempt's abort and timer cover a token function that hangs; its own errors are the caller's, unwrapped and never retried.
      const pending = context.token();
      token = typeof pending == 'string' ? pending : await untilAborted(pending, attempt.signal);
    } catch (caught) {
      attempt.dispose();
      throw attempt.signal.aborted ? attempt.failure(caught) : caught;
    }
    attempt.token = token;
    try {
      const response = await call.send(`Bearer ${token}`, attempt.signal);
      if (!response.ok) throw errorFromResponse(response, parseBody(await response.text()), call.request, token);
      return await read(response, attempt);
    } catch (caught) {
      const error = attempt.failure(caught);
      const delay = retry < maxRetries && !call.signal?.aborted && isRetryable(error) ? retryDelayMs(retry, (error as { retryAfterMs?: number }).retryAfterMs) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, call.signal);
    } finally {
      if (!attempt.kept) attempt.dispose();
    }
  }
}

/**
 * One attempt's control: its abort signal (the caller's abort or its own timer), the timer
 * itself, and how it describes its failures. A class, not closures: it is made for every call.
 */
export class Attempt {
  declare readonly request: RequestDescription;
  declare readonly timeoutMs: number;
  declare readonly signal: AbortSignal;
  declare private readonly caller: AbortSignal | undefined;
  /** The token this attempt sends, once the token function gave it: what its errors mask. */
  token: string | undefined;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  /** Set when the reader takes the attempt over (a download stream), which then disposes it. */
  kept = false;

  constructor(request: RequestDescription, caller: AbortSignal | undefined, timeoutMs: number) {
    this.request = request;
    this.caller = caller;
    this.timeoutMs = timeoutMs;
    this.signal = this.controller.signal;
    if (caller?.aborted) this.onAbort();
    else caller?.addEventListener('abort', this.onAbort);
    this.arm(`no complete response within ${timeoutMs} ms`);
  }

  private readonly onAbort = () => this.controller.abort(this.caller!.reason);

  /** (Re)starts the timer: when it runs out, the attempt aborts with a TimeoutError saying `what`. */
  arm(what: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new TimeoutError(`${this.describe()}: ${what}`, { request: this.request }));
    }, this.timeoutMs);
  }

  disarm(): void {
    clearTimeout(this.timer);
  }

  /** Stops the timer and the caller-signal listener. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onAbort);
  }

  /** The error for a failure of this attempt: the caller's abort reason, a TimeoutError, or a NetworkError. */
  failure(cause: unknown): unknown {
    const { caller, token } = this;
    if (caller?.aborted) return caller.reason;
    if (this.timedOut) return this.signal.reason;
    if (cause instanceof MindzieError) return cause;
    return new NetworkError(`${this.describe()} failed: ${redactText(explain(cause), token)}`, { request: this.request, cause: token ? redactCause(cause, token) : cause });
  }

  /** `GET /api/…`: how every message names the request (never the host, never a header). */
  describe(): string {
    return `${this.request.method} ${this.request.path}`;
  }

  /** Masks the token in a body (text or parsed JSON) that goes into an error. */
  redact(body: unknown): unknown {
    return redactValue(body, this.token);
  }
}

/** What `pending` settles with, or the signal's reason as soon as it aborts. */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) reject(signal.reason); // and still handle `pending` below: its rejection must not go unhandled
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** An error body: JSON when it parses, otherwise the text (the 401 body is free text). */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The most telling words of a fetch failure: undici hides the socket error in `cause`. */
function explain(cause: unknown): string {
  const inner = (cause as { cause?: { message?: string } } | undefined)?.cause;
  return [(cause as Error)?.message ?? cause, inner?.message].filter(Boolean).join(': ');
}
