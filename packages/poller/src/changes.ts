// Turns a wait into an async iterator of its status changes, for `for await`. The wait
// starts on the first `next()`; leaving the loop early (`break`, `return`, a throw)
// aborts it, so nothing keeps polling for a consumer that is gone.
import { follow } from './signals.js';

type Start<T> = (onChange: (value: T) => void, signal: AbortSignal) => Promise<unknown>;

export function changes<T>(start: Start<T>, callerSignal: AbortSignal | undefined): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const queue: T[] = [];
  let started = false;
  let ended: { error: unknown } | 'done' | undefined;
  let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;

  const flush = () => {
    if (!waiting) return;
    const { resolve, reject } = waiting;
    if (queue.length > 0) resolve({ value: queue.shift() as T, done: false });
    else if (ended === 'done') resolve({ value: undefined, done: true });
    else if (ended) {
      const { error } = ended;
      ended = 'done'; // the error is thrown once; the iterator is finished after it
      reject(error);
    } else return;
    waiting = undefined;
  };

  const begin = () => {
    started = true;
    const unfollow = follow(callerSignal, controller);
    start((value) => {
      queue.push(value);
      flush();
    }, controller.signal).then(
      () => (ended ??= 'done'),
      (error: unknown) => (ended ??= { error }),
    ).finally(() => {
      unfollow();
      flush();
    });
  };

  return {
    next() {
      if (!started) begin();
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        waiting = { resolve, reject };
        flush();
      });
    },
    async return() {
      ended = 'done';
      queue.length = 0;
      controller.abort(new Error('iteration stopped'));
      flush();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
