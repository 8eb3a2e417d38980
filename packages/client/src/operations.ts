// Every operation of the contract as the task client calls it: one row of named data each, keyed by operationId.
import type { operations, paths } from './generated/openapi.js';

/** Where every operation lives; the rows hold the rest of the path. */
export const PROJECT_PATH = '/api/{tenantId}/{projectId}';

type Method = 'get' | 'post';

/**
 * One row, checked against the contract: a path or method it does not define fails to compile
 * (where client.ts reads a row as an Operation).
 */
export type Operation = {
  [P in keyof paths]: P extends `${typeof PROJECT_PATH}${infer Rest}`
    ? {
        [M in Method]: [NonNullable<paths[P][M]>] extends [never]
          ? never
          : {
              method: Uppercase<M>;
              /** After PROJECT_PATH; its one parameter is the id the task method takes. */
              path: Rest;
              /** Set for operations that create something: they are never retried. */
              unsafe?: true;
              /** What a success body becomes: parsed JSON (the default), its `items`, or a stream. */
              read?: 'items' | 'stream';
            };
      }[Method]
    : never;
}[keyof paths];

export const OPERATIONS = {
  executeAction: { method: 'GET', path: '/action/execute/{actionId}', unsafe: true },
  listActionExecutions: { method: 'GET', path: '/actionexecution/action/{actionId}', read: 'items' },
  getLastActionExecution: { method: 'GET', path: '/actionexecution/lastaction/{actionId}' },
  getActionExecution: { method: 'GET', path: '/actionexecution/{executionId}' },
  downloadActionExecutionPackage: {
    method: 'GET',
    path: '/actionexecution/downloadpackage/{executionId}',
    read: 'stream',
  },
  executeBlock: { method: 'POST', path: '/block/{blockId}/execute', unsafe: true },
  getBlockResults: { method: 'GET', path: '/block/{blockId}/results' },
} as const satisfies Record<keyof operations, Operation>;

export type OperationId = keyof typeof OPERATIONS;
