// Small abort-signal plumbing that removes every listener it adds (no leaks when one
// caller signal serves thousands of waits). AbortSignal.any would do, but needs Node 20.3.

/** Aborts `target` (with the same reason) when `source` aborts; returns the unlink function. */
export function follow(source: AbortSignal | undefined, target: AbortController): () => void {
  if (source === undefined) {
    return () => {};
  }
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface AbortGroup {
  members: Set<{ handleEvent(): void }>;
  listener: () => void;
}
const groups = new WeakMap<AbortSignal, AbortGroup>();

/**
 * Calls `member.handleEvent()` when `signal` aborts. One listener per signal however many
 * waits share it (no MaxListeners warning, no listener per wait), removed with the last member.
 */
export function onAbort(signal: AbortSignal, member: { handleEvent(): void }): void {
  let group = groups.get(signal);
  if (!group) {
    const members = new Set<{ handleEvent(): void }>();
    const listener = () => {
      groups.delete(signal);
      for (const m of members) {
        m.handleEvent();
      }
    };
    group = { members, listener };
    groups.set(signal, group);
    signal.addEventListener('abort', listener, { once: true });
  }
  group.members.add(member);
}

export function offAbort(signal: AbortSignal, member: { handleEvent(): void }): void {
  const group = groups.get(signal);
  if (group?.members.delete(member) && group.members.size === 0) {
    groups.delete(signal);
    signal.removeEventListener('abort', group.listener);
  }
}

/** setTimeout's largest delay; longer ones fire at once, so timers re-arm in steps. */
export const MAX_TIMER_MS = 2_147_483_647;
