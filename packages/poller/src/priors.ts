// Where a wait gets its duration prior: the read before execute when there was one, else one
// read of the action's executions per client (this process) and action, kept PRIOR_CACHE_MS,
// and shared through the fleet's coordinator when it offers a store (the Redis one does).
// The list endpoint has no paging: a long history costs one larger answer (about 250 bytes
// a run), read once per action per cache time; only PRIOR_RUNS durations are kept.

import type { ActionExecution, MindzieClient } from '@mindzie/client';
import type { Coordinator } from './coordinator.js';
import { type DurationPrior, priorFrom } from './prior.js';
import { actionReading } from './statuses.js';

/** How long a prior read here is used before the history is read again. */
export const PRIOR_CACHE_MS = 5 * 60_000;
/** The history read gives up after this long (the wait carries on without a prior). */
const READ_TIMEOUT_MS = 10_000;

interface Cached {
  at: number;
  prior: Promise<DurationPrior | undefined>;
}

const caches = new WeakMap<MindzieClient, Map<string, Cached>>();

const isTerminal = (status: string) => actionReading.isDone({ status } as ActionExecution);

/** The prior from executions just listed (the read before execute), kept for later waits on the action. */
export function rememberPrior(
  client: MindzieClient,
  actionId: string,
  executions: readonly ActionExecution[],
  now = Date.now(),
): DurationPrior | undefined {
  const prior = priorFrom(executions, isTerminal);
  cacheOf(client).set(actionId.toLowerCase(), { at: now, prior: Promise.resolve(prior) });
  return prior;
}

/**
 * The action's prior: from this process's cache, else the fleet's store, else one read of its
 * executions (shared by every wait asking meanwhile). Never rejects: no prior is `undefined`.
 */
export function priorOf(
  client: MindzieClient,
  actionId: string,
  coordinator: Coordinator | undefined,
  now = Date.now(),
): Promise<DurationPrior | undefined> {
  const cache = cacheOf(client);
  const key = actionId.toLowerCase();
  const cached = cache.get(key);
  if (cached && now - cached.at < PRIOR_CACHE_MS) {
    return cached.prior;
  }
  const prior = readPrior(client, key, coordinator);
  cache.set(key, { at: now, prior });
  return prior;
}

async function readPrior(
  client: MindzieClient,
  actionId: string,
  coordinator: Coordinator | undefined,
): Promise<DurationPrior | undefined> {
  const store = coordinator?.priors;
  const shared = await store?.get(actionId).catch(() => undefined);
  if (shared !== undefined) {
    return shared ?? undefined;
  }
  try {
    const executions = await client.listActionExecutions(actionId, { maxRetries: 0, timeoutMs: READ_TIMEOUT_MS });
    const prior = priorFrom(Array.isArray(executions) ? executions : [], isTerminal);
    await store?.set(actionId, prior ?? null, PRIOR_CACHE_MS).catch(() => {});
    return prior;
  } catch {
    return undefined; // no prior this time: the elapsed-time schedule, as for blocks
  }
}

function cacheOf(client: MindzieClient): Map<string, Cached> {
  let cache = caches.get(client);
  if (!cache) {
    cache = new Map();
    caches.set(client, cache);
  }
  return cache;
}
