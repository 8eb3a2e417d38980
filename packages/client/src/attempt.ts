import { MindzieError, NetworkError, type RequestDescription, TimeoutError } from './errors.js';
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
    this.controller.abort(new TimeoutError(`${this.describe()}: ${what}`, { request: this.request }));
  }

  disarm(): void {
    clearTimeout(this.timer);
  }

  /** Stops the timer and the caller-signal listener. */
  dispose(): void {
    this.disarm();
    this.caller?.removeEventListener('abort', this.onAbort);
  }

  /** A failure of this attempt as thrown: the caller's abort reason, a TimeoutError, an SDK error or a NetworkError. */
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
    return new NetworkError(message, { request: this.request, cause: safeCause });
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

/** The init key that hands a call's attempt to the middleware (openapi-fetch copies unknown keys onto the Request). */
export const ATTEMPT = 'mindzieAttempt';

/** The attempt a request belongs to, when the task client sent it (not for the raw client's requests). */
export const attemptOf = (request: Request): Attempt | undefined =>
  (request as Request & { [ATTEMPT]?: Attempt })[ATTEMPT];
