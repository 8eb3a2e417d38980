import { MiddlewareError, MindzieError, NetworkError, type RequestDescription, TimeoutError } from './errors.js';
import { redactCause, redactText, redactValue } from './internal/redact.js';

/**
 * One attempt of a call: its signal (the caller's abort joined with the attempt's own timer),
 * the token it sent, and how its failures become SDK errors. A class, not closures: one is made
 * for every attempt of every call.
 */
export class Attempt {
  declare private readonly template: RequestDescription;
  /** The request as openapi-fetch built it (set by the token middleware), to describe it when something fails. */
  sent: Request | undefined;
  declare readonly operationId: string;
  /** 0 for the first attempt, 1 for the first retry (OpenTelemetry's `http.request.resend_count`). */
  declare readonly number: number;
  declare readonly timeoutMs: number;
  declare readonly signal: AbortSignal;
  declare private readonly caller: AbortSignal | undefined;
  /** The token this attempt sends, once the provider gave it: what its errors mask. */
  token: string | undefined;
  /** Set when the token provider failed: nothing was sent, and its error goes to the caller as it is. */
  tokenFailed = false;
  /** Set when a download's reader takes the attempt over; it then disposes of it. */
  kept = false;
  /** Set once the transport was handed the request: from here on, it may have reached the server. */
  handedOver = false;
  /** The transport's answer, until a middleware replaced it: its body is released when the attempt fails. */
  answer: Response | undefined;
  /** A Node transport's body (undici's stream), read instead of `answer.body` (the download's fast path). */
  nodeBody: { destroy(): unknown } | undefined;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;

  constructor(init: Pick<Attempt, 'request' | 'operationId' | 'number' | 'timeoutMs'> & { caller?: AbortSignal }) {
    this.template = init.request;
    this.operationId = init.operationId;
    this.number = init.number;
    this.caller = init.caller;
    this.timeoutMs = init.timeoutMs;
    this.signal = this.controller.signal;
    if (this.caller?.aborted) {
      this.onAbort();
    } else {
      this.caller?.addEventListener('abort', this.onAbort);
    }
    this.arm(`no complete response within ${this.timeoutMs} ms`);
  }

  private readonly onAbort = () => this.controller.abort(this.caller!.reason);

  /** (Re)starts the timer: when it runs out, the attempt aborts with a TimeoutError saying `what`. */
  arm(what: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.timeOut(what), this.timeoutMs);
  }

  /** Aborts the attempt with a TimeoutError saying `what` (its timer ran out, or a library's idle timeout). */
  timeOut(what: string): void {
    this.timedOut = true;
    this.controller.abort(
      new TimeoutError(`${this.describe()}: ${what}`, { request: this.request, notSent: !this.handedOver }),
    );
  }

  disarm(): void {
    clearTimeout(this.timer);
  }

  /** Stops the timer and the caller-signal listener. */
  dispose(): void {
    this.disarm();
    this.caller?.removeEventListener('abort', this.onAbort);
  }

  /** Frees the connection of an answer nobody will read (a failure after the headers arrived). */
  release(): void {
    this.nodeBody?.destroy();
    if (this.answer?.body && !this.answer.bodyUsed) {
      this.answer.body.cancel().catch(() => {});
    }
  }

  /**
   * A failure of the transport as thrown: the caller's abort reason, a TimeoutError, an SDK error,
   * or a NetworkError that says whether the request certainly never left (`notSent`).
   */
  failure(cause: unknown): unknown {
    const { caller, token } = this;
    if (caller?.aborted) {
      return caller.reason;
    }
    if (this.timedOut) {
      return this.signal.reason;
    }
    if (cause instanceof MindzieError) {
      return cause;
    }
    const message = `${this.describe()} failed: ${redactText(explain(cause), token)}`;
    const safeCause = token ? redactCause(cause, token) : cause;
    const notSent = !this.handedOver || neverLeft(cause);
    return new NetworkError(message, { request: this.request, cause: safeCause, notSent });
  }

  /**
   * A failure out of openapi-fetch: the transport's (already an SDK error, see `failure`), the
   * caller's abort, the timer's, or a middleware's own error, wrapped as MiddlewareError (never retried).
   */
  outcome(cause: unknown): unknown {
    if (this.caller?.aborted || this.timedOut || cause instanceof MindzieError) {
      return this.failure(cause);
    }
    const what = redactText(String((cause as Error)?.message ?? cause), this.token);
    const message = `${this.describe()}: a middleware failed ${this.handedOver ? 'after' : 'before'} sending: ${what}`;
    return new MiddlewareError(message, { request: this.request, cause, notSent: !this.handedOver });
  }

  /** `GET /api/…`: how every message names the request (never the host, never a header). */
  describe(): string {
    return `${this.request.method} ${this.request.path}`;
  }

  /** The operation's template until the request was built, then its method and path (no scheme, host or query). */
  get request(): RequestDescription {
    const { sent } = this;
    return sent ? { method: sent.method, path: new URL(sent.url).pathname } : this.template;
  }

  /** Masks the token in a body (text or parsed JSON) that goes into an error. */
  redact(body: unknown): unknown {
    return redactValue(body, this.token);
  }
}

/** The most telling words of a failure: undici hides the socket error in `cause`. */
function explain(cause: unknown): string {
  const inner = (cause as { cause?: { message?: string } } | undefined)?.cause;
  return [(cause as Error)?.message ?? cause, inner?.message].filter(Boolean).join(': ');
}

/** Failures that happen before a byte of the request is written: refused, DNS, TLS handshake (Node, undici, Bun). */
const NOT_SENT_CODES =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|UND_ERR_CONNECT_TIMEOUT|ConnectionRefused)$/;
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** Whether `cause` (or the error inside it: fetch wraps undici's) says the connection was never made. */
function neverLeft(cause: unknown): boolean {
  for (let error = cause, depth = 0; error && depth < 3; error = (error as { cause?: unknown }).cause, depth++) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (NOT_SENT_CODES.test(code) || TLS_CODES.test(code)) {
      return true;
    }
  }
  return false;
}
