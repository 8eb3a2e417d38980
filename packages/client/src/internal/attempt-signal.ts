/**
 * The abort signal of one attempt: it fires when the caller's signal aborts (with the
 * caller's reason, as fetch does) or when the attempt's timer runs out. The timer can be
 * re-armed, which is how a download turns "time to response headers" into "idle time
 * between chunks" without ever bounding the length of a healthy stream.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** True once the timer (not the caller) aborted the attempt. */
  timedOut = false;

  constructor(readonly callerSignal: AbortSignal | undefined) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }

  /** Aborts with `makeReason()` unless disarmed within `ms`. */
  arm(ms: number, makeReason: () => Error): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(makeReason());
    }, ms);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops listening to the caller's signal: no leak when one signal serves many calls. */
  dispose(): void {
    this.disarm();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private readonly onCallerAbort = (): void => {
    this.controller.abort(this.callerSignal?.reason);
  };
}
