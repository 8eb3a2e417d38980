// Reading execute's answer: the one place a new execution's id comes from.
import { UnsupportedError } from '@mindzie/poller';
import type { RunState } from './context.js';

/**
 * The new execution's id from execute's answer. An answer without one (`null`, another
 * shape) names nothing to follow: an UnsupportedError, with `hint` on what to check, since
 * the server may have queued the run all the same.
 */
export function executionIdIn<K extends string>(
  answer: { [key in K]: string },
  key: K,
  state: RunState,
  hint: string,
): string {
  const id = (answer as Partial<Record<K, unknown>> | null)?.[key];
  if (typeof id === 'string') {
    return id;
  }
  state.hint = hint;
  throw new UnsupportedError(
    `The server answered execute with ${described(answer)}, not an execution: there is nothing to follow.`,
  );
}

/** An answer that names no execution, as the error words it. */
function described(answer: unknown): string {
  if (answer === null) {
    return 'null';
  }
  return typeof answer === 'object' ? 'no execution id' : `a ${typeof answer}`;
}
