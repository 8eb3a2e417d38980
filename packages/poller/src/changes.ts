// Turns a wait into an async iterator of its status changes, for `for await`. The wait
// starts on the first `next()`; leaving the loop early (`break`, `return`, a throw)
// aborts it, so nothing keeps polling for a consumer that is gone.
import { follow } from './signals.js';

type Start<T> = (onChange: (value: T) => void, signal: AbortSignal) => Promise<unknown>;

export async function* changes<T>(
  start: Start<T>,
  callerSignal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  const controller = new AbortController();
  const queue: T[] = [];
  let ended: { error: unknown } | 'done' | undefined;
  let wake: (() => void) | undefined;
  const unfollow = follow(callerSignal, controller);
  start((value) => {
    queue.push(value);
    wake?.();
  }, controller.signal)
    .then(
      () => (ended = 'done'),
      (error: unknown) => (ended = { error }),
    )
    .finally(() => {
      unfollow();
      wake?.();
    });
  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
      } else if (ended === 'done') {
        return;
      } else if (ended) {
        throw ended.error; // once: the iterator is finished after it
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    controller.abort(new Error('iteration stopped')); // nothing to stop when the wait has ended
  }
}
