// The middleware of one attempt: openapi-fetch calls each with its own params plus `attempt` (which
// call, which try), and every middleware whose `onRequest` ran hears how the attempt ended, even
// when a later one answered or threw (openapi-fetch then skips the rest): no span is left open.
import type { Middleware, MiddlewareCallbackParams } from 'openapi-fetch';

/** Which call and which try a request is, as middleware receives it beside openapi-fetch's params. */
export interface AttemptInfo {
  /** The operation's `operationId` in the contract, e.g. `getActionExecution`. */
  operationId: string;
  /** 0 for the first attempt, 1 for the first retry. */
  number: number;
}

/** What the client's middleware callbacks receive: openapi-fetch's params and `attempt` (absent on the raw client). */
export type AttemptParams = MiddlewareCallbackParams & { attempt?: AttemptInfo };

/** One attempt's copies of the middleware, and which of them still wait to hear how it ended. */
export class AttemptMiddleware {
  private readonly waitingFor = new Map<Middleware, MiddlewareCallbackParams>();

  constructor(private readonly info: AttemptInfo) {}

  /** Whether a middleware still waits to hear how the attempt ended. */
  get waiting(): boolean {
    return this.waitingFor.size > 0;
  }

  /** The list to give openapi-fetch for this attempt (the middleware themselves are not changed). */
  wrap(list: readonly Middleware[]): Middleware[] {
    return list.map((middleware) => this.one(middleware));
  }

  private one(m: Middleware): Middleware {
    const { info, waitingFor: waiting } = this;
    const listens = m.onResponse !== undefined || m.onError !== undefined;
    return {
      onRequest:
        m.onRequest &&
        ((params) => {
          if (listens) {
            waiting.set(m, params);
          }
          return m.onRequest!({ ...params, attempt: info } as MiddlewareCallbackParams);
        }),
      onResponse:
        m.onResponse &&
        ((params) => {
          waiting.delete(m);
          return m.onResponse!({ ...params, attempt: info } as typeof params);
        }),
      onError:
        m.onError &&
        ((params) => {
          waiting.delete(m);
          return m.onError!({ ...params, attempt: info } as typeof params);
        }),
    } as Middleware;
  }

  /** Tells each middleware still waiting how the attempt ended: the answer, or the error. Their results are ignored. */
  async settle(outcome: { response: Response } | { error: unknown }): Promise<void> {
    const waiting = [...this.waitingFor].reverse(); // as openapi-fetch calls them: last added first
    this.waitingFor.clear();
    for (const [m, params] of waiting) {
      const withInfo = { ...params, attempt: this.info };
      try {
        if ('response' in outcome) {
          await m.onResponse?.({ ...withInfo, response: outcome.response });
        } else {
          await m.onError?.({ ...withInfo, error: outcome.error });
        }
      } catch {} // the attempt already has its outcome; a middleware failing to hear it changes nothing
    }
  }
}
