// Which failures are worth another try, and which leave an execute's outcome unknown. Decided
// by the client's error classes and fields only, never by how the client produced them.
import { ApiError, MiddlewareError, NetworkError } from '@mindzie/client';
import { WaitTimeoutError } from './errors.js';

/**
 * A 2xx whose body could not be read (not JSON, or cut short with a length that matched): the
 * server did answer, the answer was lost on the way (a gateway's HTML page, a cut body).
 */
export function isUnreadableAnswer(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 200 && error.status < 300;
}

/**
 * Transient: worth another check later. Network errors (a reset, a cut body, the client's
 * per-request TimeoutError), 408, 429, 5xx, and an unreadable 2xx. A 401, a 404, bad input or
 * a well-formed answer that is not what was asked for (UnsupportedError) is not.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof WaitTimeoutError) {
    return false;
  }
  if (error instanceof NetworkError) {
    return true;
  }
  if (isUnreadableAnswer(error)) {
    return true;
  }
  return error instanceof ApiError && (error.status === 408 || error.status === 429 || error.status >= 500);
}

/**
 * After an execute request failed this way, the server may or may not have created the
 * execution: the request may have left before the connection broke or the limit passed, a 5xx
 * or 429 may come from a proxy that forwarded it, a 2xx's body was lost. (A 401, 404 or 400 says
 * the server refused it: nothing was created.)
 */
export function leavesOutcomeUnknown(error: unknown): boolean {
  // A middleware that threw after the request left (in onResponse): the server may have acted on it.
  return isTransient(error) || (error instanceof MiddlewareError && !error.notSent);
}

/**
 * The request certainly never left this machine (connection refused, DNS, TLS, a middleware's
 * onRequest, the timer before sending): the server cannot have created anything.
 */
export function wasNotSent(error: unknown): boolean {
  return (error instanceof NetworkError || error instanceof MiddlewareError) && error.notSent;
}
