// Waiting on mindzieStudio executions: the action and block waits, their `for await`
// forms, and resuming from a token. Waits on the same execution through the same client
// share one stream of requests; all waits on a client share one limiter by default.

import type { ActionExecution, BlockExecution, MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { changes } from './changes.js';
import type { Coordinator } from './coordinator.js';
import { ExecutionFailedError, UnsupportedError } from './errors.js';
import { NOT_IMPLEMENTED } from './executables.js';
import { GUID } from './internal.js';
import { createLimiter, type Limiter } from './limiter.js';
import { checkStep, type Executed, followStep, inspectStep, type NextStep, withNextStep } from './next-step.js';
import { type ResolvedWait, resolveWait, type WaitOptions } from './options.js';
import type { DurationPrior } from './prior.js';
import { priorOf } from './priors.js';
import { type ResumeTokenData, readResumeToken } from './resume.js';
import { actionReading, blockReading, type ExecutionReading } from './statuses.js';
import { type CheckContext, PollStream, type PriorLoader, type Source } from './stream.js';

export interface ExecutionWaitOptions<E> extends WaitOptions<E> {
  /** Resolve with a `Failed` (or `Cancelled`) execution instead of rejecting with ExecutionFailedError. */
  returnFailed?: boolean;
}

/**
 * What to poll for one action execution: its stream's key, how to read it, and `check`. A
 * class, not closures: one small object per wait, however many thousands there are.
 */
export class ActionTarget {
  declare readonly client: MindzieClient;
  declare readonly executionId: string;
  /** When this process started the run (runAction), in its own clock: the earliest its run can have started. */
  declare startedAt: number | undefined;
  constructor(client: MindzieClient, executionId: string) {
    this.client = client;
    this.executionId = executionId;
  }
  /** How the wait learns how long the run usually takes: given, or read (once per action, cached). */
  priorLoader(prior: true | DurationPrior, coordinator: Coordinator | undefined): PriorLoader<unknown> | undefined {
    return (value) => {
      const execution = value as Partial<ActionExecution> | undefined;
      // The server's dateStarted, kept between the wait's own start (when it started the run) and
      // now: a clock ahead of ours cannot put the run in the future, one behind not before execute.
      const reported = Date.parse(String(execution?.dateStarted));
      const now = Date.now();
      const origin = Math.max(this.startedAt ?? -Infinity, Math.min(now, Number.isNaN(reported) ? now : reported));
      if (prior !== true) {
        return Promise.resolve({ ...prior, origin });
      }
      if (typeof execution?.actionId !== 'string') {
        return undefined;
      }
      return priorOf(this.client, execution.actionId, coordinator).then((read) => read && { ...read, origin });
    };
  }
  /** GUIDs name the same execution in either case (as the API reads them): one stream for both. */
  get key(): string {
    // String(): a bad id is the client's to refuse, with InvalidArgumentError.
    return String(this.executionId).toLowerCase();
  }
  get reading(): ExecutionReading<ActionExecution | BlockExecution> {
    return actionReading;
  }
  ids(): Partial<ResumeTokenData> {
    return { kind: 'action', executionId: this.executionId };
  }
  get executed(): Executed {
    return { kind: 'action' };
  }
  /** What to do after the wait failed with `error`: the execution exists. */
  nextStep(error: unknown): NextStep {
    if (error instanceof ExecutionFailedError) {
      return inspectStep(this.executed, this.executionId);
    }
    if (error instanceof UnsupportedError && this.executed.kind === 'block') {
      // A server without block history: nothing here can follow it.
      const check = checkStep(this.executed, { historyKept: false });
      return { ...check, executionCreated: true, executionId: this.executionId };
    }
    return followStep(this.executed, this.executionId);
  }
  /** The stream stopped: it leaves the client's registry (unless another took its place). */
  release(stream: unknown): void {
    const map = streams.get(this.client)!; // made with its first stream
    if (map.get(this.key) === stream) {
      map.delete(this.key);
    }
  }
  async check(context: CheckContext): Promise<ActionExecution | BlockExecution | undefined> {
    return asExecution(
      await this.client.getActionExecution(this.executionId, requestOptions(context)),
      this.executionId,
    );
  }
}

/** A block execution: read from the block's results, where `check` answers `undefined` while it is not listed yet. */
export class BlockTarget extends ActionTarget {
  declare readonly blockId: string;
  constructor(client: MindzieClient, executionId: string, blockId: string) {
    super(client, executionId);
    this.blockId = blockId;
  }
  override get key(): string {
    return `${this.blockId} ${this.executionId}`.toLowerCase();
  }
  override get reading(): ExecutionReading<ActionExecution | BlockExecution> {
    return blockReading;
  }
  override ids(): Partial<ResumeTokenData> {
    return { kind: 'block', blockId: this.blockId, executionId: this.executionId };
  }
  override get executed(): Executed {
    return { kind: 'block', blockId: this.blockId };
  }
  /** Blocks keep the elapsed-time schedule: their results hold no run times to learn from. */
  override priorLoader(): undefined {
    return undefined;
  }
  override async check(context: CheckContext): Promise<BlockExecution | undefined> {
    const { client, blockId, executionId } = this;
    const results = await client.getBlockResults(blockId, requestOptions(context));
    if (results === null || typeof results !== 'object') {
      throw notAnExecution(executionId, results);
    }
    const executions = Array.isArray(results.executions) ? results.executions : [];
    const id = executionId.toLowerCase(); // the server's listing may spell it in another case
    const found = executions.find((e) => String(e?.executionId).toLowerCase() === id);
    if (!found && executions.length === 0 && NOT_IMPLEMENTED.test(String(results.message))) {
      throw new UnsupportedError(
        `Cannot wait for block execution ${executionId}: the server has no block history ("${results.message}")`,
      );
    }
    return found && asExecution(found, executionId); // not listed yet: keep polling until the deadline
  }
}

const streams = new WeakMap<MindzieClient, Map<string, unknown>>();
const limiters = new WeakMap<MindzieClient, Limiter>();

/**
 * An answer without a status (`null`, text, another shape) never turns terminal: the wait ends at
 * once, with a typed error.
 */
function asExecution<E>(answer: E, executionId: string): E {
  if (typeof (answer as { status?: unknown } | null)?.status !== 'string') {
    throw notAnExecution(executionId, answer);
  }
  return answer;
}

function notAnExecution(executionId: string, answer: unknown): UnsupportedError {
  return new UnsupportedError(
    `Cannot wait for execution ${executionId}: the server's answer ` +
      `(${answer === null ? 'null' : typeof answer}) is not an execution with a status`,
  );
}

/** Waits until the action execution is `Completed` (resolves) or `Failed` (rejects with ExecutionFailedError). */
export function waitForActionExecution(
  client: MindzieClient,
  executionId: string,
  options?: ExecutionWaitOptions<ActionExecution>,
): Promise<ActionExecution> {
  return waitFor(client, new ActionTarget(client, executionId), options);
}

/**
 * Waits until the block execution is `Success` (resolves) or `Failed` / `Cancelled` (rejects
 * with ExecutionFailedError), reading the block's results. A server without block history
 * answers "not yet implemented": the wait then rejects at once with UnsupportedError.
 */
export function waitForBlockExecution(
  client: MindzieClient,
  blockId: string,
  executionId: string,
  options?: ExecutionWaitOptions<BlockExecution>,
): Promise<BlockExecution> {
  if (typeof executionId !== 'string' || !GUID.test(executionId)) {
    return Promise.reject(new InvalidArgumentError('executionId', 'executionId must be a GUID'));
  }
  return waitFor(client, new BlockTarget(client, executionId, blockId), options);
}

/**
 * The action execution's status changes for `for await`, ending with the terminal one. Same
 * options and outcomes as the wait.
 */
export function watchActionExecution(
  client: MindzieClient,
  executionId: string,
  options: ExecutionWaitOptions<ActionExecution> = {},
): AsyncIterableIterator<ActionExecution> {
  return changes(
    (onChange, signal) => waitForActionExecution(client, executionId, withChanges(options, onChange, signal)),
    options.signal,
  );
}

/** The block execution's status changes for `for await`, ending with the terminal one. */
export function watchBlockExecution(
  client: MindzieClient,
  blockId: string,
  executionId: string,
  options: ExecutionWaitOptions<BlockExecution> = {},
): AsyncIterableIterator<BlockExecution> {
  return changes(
    (onChange, signal) => waitForBlockExecution(client, blockId, executionId, withChanges(options, onChange, signal)),
    options.signal,
  );
}

/**
 * Carries on a wait from a `resumeToken` (e.g. in a restarted process): same execution, deadline
 * and schedule position.
 */
export async function resumeWait(
  client: MindzieClient,
  token: string,
  options: ExecutionWaitOptions<ActionExecution | BlockExecution> = {},
): Promise<ActionExecution | BlockExecution> {
  const data = readResumeToken(token);
  const resumed = { ...options, resume: token };
  if (data.kind === 'action' && data.executionId) {
    return waitForActionExecution(client, data.executionId, resumed);
  }
  if (data.kind === 'block' && data.blockId && data.executionId) {
    return waitForBlockExecution(client, data.blockId, data.executionId, resumed);
  }
  throw new InvalidArgumentError(
    'token',
    'token does not name an execution: it comes from pollUntil, pass it as its resume option',
  );
}

/** The poller owns retries and the deadline: one attempt per check, bounded by the time left. */
function requestOptions({ signal, timeoutMs }: CheckContext) {
  return { signal, timeoutMs, maxRetries: 0 };
}

/**
 * Joins (or starts) the stream of the target's execution; a failed execution rejects (see
 * ExecutionReading.failure).
 */
export function waitFor<E extends ActionExecution | BlockExecution>(
  client: MindzieClient,
  target: ActionTarget,
  options: ExecutionWaitOptions<E> = {},
  started?: { wait: ResolvedWait; initial: E },
): Promise<E> {
  // A bad argument throws in the executor, so it rejects as in an async function, without a
  // second promise held for the whole wait.
  return new Promise<E | undefined>((resolve, reject) => {
    checkClient(client);
    const wait = started?.wait ?? resolveWait(options);
    const { token } = wait;
    const ids = target.ids();
    if (token && named(token) !== named(ids)) {
      throw new InvalidArgumentError('resume', 'the resume token belongs to another execution');
    }
    let map = streams.get(client);
    if (!map) {
      map = new Map();
      streams.set(client, map);
    }
    const { key } = target;
    let stream = map.get(key) as PollStream<E | undefined> | undefined;
    if (!stream) {
      stream = new PollStream<E | undefined>(
        target as Source<E | undefined>,
        wait,
        options.limiter ?? sharedLimiter(client),
        started?.initial,
        wait.prior === false ? undefined : target.priorLoader(wait.prior, options.coordinator),
      );
      stream.fleet = options.coordinator?.join(`${ids.kind}:${key}`, stream);
      map.set(key, stream);
    }
    // Every failure names the next step, but the caller's own abort reason is theirs, left as it is.
    const explained = (error: unknown) => {
      const callersOwn = options.signal?.aborted && error === options.signal.reason;
      const badInput = error instanceof InvalidArgumentError;
      reject(callersOwn || badInput ? error : withNextStep(error, target.nextStep(error)));
    };
    stream.join(wait, options as WaitOptions<E | undefined>, resolve, explained);
  }) as Promise<E>; // isDone only accepts a listed execution, so the answer is never undefined
}

/** What a resume token must name to carry on this wait: ids in either case (GUIDs, as the API reads them). */
function named({ kind, blockId, executionId }: Partial<ResumeTokenData>): string {
  return `${kind} ${blockId} ${executionId}`.toLowerCase();
}

export function checkClient(client: MindzieClient): void {
  if (!client || typeof client.getActionExecution !== 'function') {
    throw new InvalidArgumentError('client', 'client must come from createClient');
  }
}

function sharedLimiter(client: MindzieClient): Limiter {
  let limiter = limiters.get(client);
  if (!limiter) {
    limiter = createLimiter();
    limiters.set(client, limiter);
  }
  return limiter;
}

function withChanges<E>(
  options: ExecutionWaitOptions<E>,
  onChange: (value: E) => void,
  signal: AbortSignal,
): ExecutionWaitOptions<E> {
  const own = options.onStatusChange;
  return {
    ...options,
    signal,
    onStatusChange(value, previous) {
      own?.(value, previous);
      onChange(value);
    },
  };
}
