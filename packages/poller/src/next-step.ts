// What to do after a failure once execute may have been sent, as data: a script (or the CLI) acts
// on it without parsing messages. The errors that runAction, runBlock, startAction, startBlock and
// the waits reject with carry it as `next` (read it with `nextStepOf`).

/** The next step after a failure, once an execute may have reached the server. */
export interface NextStep {
  /** `true`: the execution exists; `false`: most likely not created; `'unknown'`: check first. */
  executionCreated: boolean | 'unknown';
  /** The execution's id, when known. */
  executionId?: string;
  /** True when running the action or block again creates no second execution of this run. */
  safeToRunAgain: boolean;
  /**
   * `follow`: wait for the execution; `download`: fetch its package; `inspect`: it ended, read why;
   * `check`: look at the executions before running again; `run-again`: nothing was created.
   */
  step: 'follow' | 'download' | 'inspect' | 'check' | 'run-again';
  /** The `mindzie` command that does it; absent when the API cannot (a server without block history). */
  command?: string;
  /** The library call that does it. */
  call?: string;
}

/** What an execution belongs to. */
export type Executed = { kind: 'action'; actionId?: string } | { kind: 'block'; blockId: string };

/** The execution exists and may still run: wait for it (the deadline passed, a check failed). */
export function followStep(of: Executed, executionId: string): NextStep {
  const created = { executionCreated: true, executionId, safeToRunAgain: false } as const;
  if (of.kind === 'block') {
    return {
      ...created,
      step: 'follow',
      command: `mindzie block wait ${of.blockId} ${executionId}`,
      call: `waitForBlockExecution(client, "${of.blockId}", "${executionId}")`,
    };
  }
  return {
    ...created,
    step: 'follow',
    command: `mindzie execution wait ${executionId}`,
    call: `waitForActionExecution(client, "${executionId}")`,
  };
}

/** The execution ended `Failed` (or `Cancelled`): read why; running again is a new, deliberate run. */
export function inspectStep(of: Executed, executionId: string): NextStep {
  const ended = { executionCreated: true, executionId, safeToRunAgain: true, step: 'inspect' } as const;
  if (of.kind === 'block') {
    return {
      ...ended,
      command: `mindzie block results ${of.blockId}`,
      call: `client.getBlockResults("${of.blockId}")`,
    };
  }
  return {
    ...ended,
    command: `mindzie execution show ${executionId}`,
    call: `client.getActionExecution("${executionId}")`,
  };
}

/** The action execution completed but its package was not saved: download it again (never run again). */
export function downloadStep(executionId: string): NextStep {
  return {
    executionCreated: true,
    executionId,
    safeToRunAgain: false,
    step: 'download',
    command: `mindzie execution download ${executionId}`,
    call: `downloadPackageToFile(client, "${executionId}", { directory: "." })`,
  };
}

/** Execute's outcome is unknown: look at the executions before running again. */
export function checkStep(of: Executed, options: { historyKept: boolean }): NextStep {
  const unknown = { executionCreated: 'unknown', safeToRunAgain: false, step: 'check' } as const;
  if (of.kind === 'block') {
    // A server without block history has nothing to look at: mindzieStudio itself must be asked.
    return options.historyKept
      ? { ...unknown, command: `mindzie block results ${of.blockId}`, call: `client.getBlockResults("${of.blockId}")` }
      : unknown;
  }
  return {
    ...unknown,
    command: `mindzie action history ${of.actionId}`,
    call: `client.listActionExecutions("${of.actionId}")`,
  };
}

/** Execute's answer was lost and no execution appeared: most likely none was created. */
export function runAgainStep(of: Executed): NextStep {
  const again = { executionCreated: false, safeToRunAgain: true, step: 'run-again' } as const;
  if (of.kind === 'block') {
    return { ...again, command: `mindzie block run ${of.blockId}`, call: `runBlock(client, "${of.blockId}")` };
  }
  return { ...again, command: `mindzie action run ${of.actionId}`, call: `runAction(client, "${of.actionId}")` };
}

/**
 * Gives `error` its next step as `next`, unless it has one already (the step closest to the
 * failure wins). Errors that are not objects, or not extensible, are passed on as they are.
 */
export function withNextStep<T>(error: T, next: NextStep): T {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error) || 'next' in error) {
    return error;
  }
  Object.defineProperty(error, 'next', { value: next, enumerable: true, configurable: true, writable: true });
  return error;
}

/** The next step an error from this package carries (`undefined`: none, e.g. your own abort reason). */
export function nextStepOf(error: unknown): NextStep | undefined {
  const next = (error as { next?: unknown } | null | undefined)?.next;
  return typeof next === 'object' && next !== null && 'step' in next ? (next as NextStep) : undefined;
}
