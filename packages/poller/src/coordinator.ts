// What the poller needs from the processes that wait together (a fleet): a slot of a shared
// request budget, one poll per execution (claim it or follow whoever holds it), and each
// status passed on to the others. The default is this process alone: waits on one execution
// already share one stream and requests share the limiter, so it asks nothing more (no new
// cost). '@mindzie/poller/redis' makes one for a fleet.
import type { CheckContext, CheckSource } from './check-context.js';
import type { DurationPrior } from './prior.js';

/** Shares the polling of executions between processes; pass it as a wait's `coordinator`. */
export interface Coordinator {
  /**
   * Joins the fleet's poll of one execution. `key` names it in every process; `member.receive`
   * gets each status another process read. `undefined`: this process polls it alone, through
   * the wait's limiter.
   */
  join(key: string, member: FleetMember): FleetPoll | undefined;
  /** Optional: the fleet's store of duration priors, so one process reads an action's history for all. */
  priors?: PriorStore;
}

/** Duration priors by action id, kept for `ttlMs`; `null`: the action has no usable history. */
export interface PriorStore {
  /** `undefined`: nobody in the fleet read it lately. */
  get(actionId: string): Promise<DurationPrior | null | undefined>;
  set(actionId: string, prior: DurationPrior | null, ttlMs: number): Promise<void>;
}

/** A stream of this process, following one execution. */
export interface FleetMember {
  /** A status another process read: taken as if this process had checked. */
  receive(value: unknown): void;
}

/** One process's part in the fleet's poll of one execution. */
export interface FleetPoll {
  /**
   * One check, within the fleet's request budget: asks the server (`source.check`) and tells
   * the others when this process holds the poll (or takes it over); otherwise answers with the
   * next status the process that polls publishes (or the latest one, when none comes in time).
   */
  check<T>(source: CheckSource<T>, context: CheckContext): Promise<T>;
  /** Nobody here waits for it any more: stop polling it, let another process take over. */
  leave(): void;
}

/** This process alone (the default): every execution is polled here, through the wait's limiter. */
export const inProcessCoordinator: Coordinator = {
  join: () => undefined,
};

/** A coordinator is anything with a `join` function (the Redis one, or your own). */
export function isCoordinator(value: unknown): value is Coordinator {
  return typeof (value as Coordinator | null)?.join === 'function';
}
