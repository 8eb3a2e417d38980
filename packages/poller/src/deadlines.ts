// One timer for the deadlines of every wait, whatever their number: a process watching
// thousands of executions would otherwise hold a Timeout and a callback per wait for its
// whole life. An entry is two fields on the wait itself, in an unsorted array (adding and
// removing are O(1)). Waits rarely reach their deadline, so finding the next one is left
// to when the timer fires: it then scans the array once.
import { MAX_TIMER_MS } from './signals.js';

/** A wait with a deadline: `slot` belongs to this module (-1 when not registered). */
export interface Expiring {
  readonly deadline: number;
  slot: number;
  expire(): void;
}

const registered: Expiring[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
/** When the timer fires; the earliest deadline may be later (its wait left): then it fires for nothing and re-arms. */
let armedFor = Infinity;

export function addDeadline(item: Expiring): void {
  item.slot = registered.push(item) - 1;
  // Armed again even when the time stays: a timer from another clock (tests swapping fake
  // timers with a wait left over) would otherwise hold back every deadline after it.
  arm(Math.min(item.deadline, armedFor));
}

export function removeDeadline(item: Expiring): void {
  if (item.slot < 0) {
    return;
  }
  const last = registered.pop()!;
  if (last !== item) {
    last.slot = item.slot;
    registered[last.slot] = last;
  }
  item.slot = -1;
  if (registered.length === 0) {
    arm(Infinity);
  }
}

function arm(at: number): void {
  clearTimeout(timer);
  armedFor = at;
  // Timers may fire a little before Date.now() reaches `at`, or early for a far deadline: run() re-arms.
  timer = at < Infinity ? setTimeout(run, Math.min(MAX_TIMER_MS, at - Date.now())) : undefined;
}

function run(): void {
  const now = Date.now();
  for (const item of registered.filter((item) => item.deadline <= now)) {
    removeDeadline(item);
    item.expire();
  }
  arm(registered.reduce((earliest, item) => Math.min(earliest, item.deadline), Infinity));
}
