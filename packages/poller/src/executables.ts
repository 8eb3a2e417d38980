// What executing an action or a block needs, side by side: how to execute it, what to read before
// (to compare with afterwards), and where its executions are listed (to find a lost one).

import type {
  ActionExecution,
  BlockExecuteRequest,
  BlockExecution,
  MindzieClient,
  RequestOptions,
} from '@mindzie/client';
import { UnsupportedError } from './errors.js';
import type { ExecuteTarget } from './lost-answer.js';
import { rememberPrior } from './priors.js';
import type { BeforeExecute } from './reconcile.js';

export interface Executable<E extends ActionExecution | BlockExecution> {
  target: ExecuteTarget;
  /** Execute, once. `signal` may end it (runAction's deadline), never the caller's abort. */
  execute(signal: AbortSignal | undefined): Promise<E>;
  /** What the server lists before execute; `unsupported` when it keeps no history (blocks). */
  before(signal: AbortSignal): Promise<Omit<BeforeExecute<E>, 'sentAt'> | 'unsupported'>;
  /** Every execution listed now (throws UnsupportedError when the server keeps none). */
  read(options: RequestOptions): Promise<E[]>;
  /** The new execution's id in execute's answer, if it has one. */
  idIn(answer: E): unknown;
}

export function actionExecutable(client: MindzieClient, actionId: string): Executable<ActionExecution> {
  return {
    target: { kind: 'action', actionId },
    execute: (signal) => client.executeAction(actionId, signal ? { signal } : undefined),
    // One list: the newest is what a lost answer is compared with (in the server's own clock), and
    // the same read gives the wait its duration prior (priors.ts), so no second read is needed.
    async before(signal) {
      const executions = await client.listActionExecutions(actionId, { signal });
      const listed = Array.isArray(executions) ? executions : [];
      rememberPrior(client, actionId, listed);
      const newest = listed.reduce<ActionExecution | null>(
        (latest, e) => (latest === null || Date.parse(e.dateStarted) > Date.parse(latest.dateStarted) ? e : latest),
        null,
      );
      return { lastSeen: newest, seenIds: new Set(listed.map((e) => String(e?.actionExecutionId).toLowerCase())) };
    },
    read: (options) => client.listActionExecutions(actionId, options),
    idIn: (answer) => (answer as Partial<ActionExecution> | null)?.actionExecutionId,
  };
}

export function blockExecutable(
  client: MindzieClient,
  blockId: string,
  body: BlockExecuteRequest | undefined,
): Executable<BlockExecution> {
  const read = (options: RequestOptions) => readBlockExecutions(client, blockId, options);
  return {
    target: { kind: 'block', blockId },
    execute: (signal) => client.executeBlock(blockId, body, signal ? { signal } : undefined),
    async before(signal) {
      const executions = await read({ signal }).catch((error: unknown) => {
        if (error instanceof UnsupportedError) {
          return 'unsupported' as const;
        }
        throw error;
      });
      if (executions === 'unsupported') {
        return executions;
      }
      const newest = executions.reduce<BlockExecution | null>(
        (latest, e) => (latest === null || Date.parse(e.dateQueued) > Date.parse(latest.dateQueued) ? e : latest),
        null,
      );
      return { lastSeen: newest, seenIds: new Set(executions.map((e) => String(e?.executionId).toLowerCase())) };
    },
    read,
    idIn: (answer) => (answer as Partial<BlockExecution> | null)?.executionId,
  };
}

/** The block results endpoint's answer on servers without block history (spec example `BlockResultsNotImplemented`). */
export const NOT_IMPLEMENTED = /not (yet )?implemented/i;

/**
 * A block's executions from its results. The vendor's current server answers an empty list with
 * "Block execution history not yet implemented": that is no history at all, an UnsupportedError.
 */
export async function readBlockExecutions(
  client: MindzieClient,
  blockId: string,
  options: RequestOptions,
): Promise<BlockExecution[]> {
  const results = await client.getBlockResults(blockId, options);
  if (results === null || typeof results !== 'object') {
    throw new UnsupportedError(`The results of block ${blockId} are not a list of executions`);
  }
  const executions = Array.isArray(results.executions) ? results.executions : [];
  if (executions.length === 0 && NOT_IMPLEMENTED.test(String(results.message))) {
    throw new UnsupportedError(`The server keeps no history of block ${blockId} ("${results.message}")`);
  }
  return executions;
}
