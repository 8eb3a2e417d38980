// Every operation of the contract as the task client calls it: one row of named data each.
import type { operations, paths } from './generated/openapi.js';

type Method = 'get' | 'post';

/** One row, checked against the contract: a path, method or path parameter it does not define fails to compile. */
export type Operation = {
  [P in keyof paths]: {
    [M in Method]: [NonNullable<paths[P][M]>] extends [never]
      ? never
      : {
          operationId: keyof operations;
          method: Uppercase<M>;
          path: P;
          /** The path parameter the task method takes (tenant and project come from the options). */
          idName: Exclude<keyof paths[P]['parameters']['path'], 'tenantId' | 'projectId'>;
          /** False for operations that create something: they are never retried. */
          safeToRetry: boolean;
          /** What a success body becomes: parsed JSON, its `items`, or a stream. */
          read: 'json' | 'items' | 'stream';
        };
  }[Method];
}[keyof paths];

export const OPERATIONS = {
  executeAction: {
    operationId: 'executeAction',
    method: 'GET',
    idName: 'actionId',
    safeToRetry: false,
    read: 'json',
    path: '/api/{tenantId}/{projectId}/action/execute/{actionId}',
  },
  listActionExecutions: {
    operationId: 'listActionExecutions',
    method: 'GET',
    idName: 'actionId',
    safeToRetry: true,
    read: 'items',
    path: '/api/{tenantId}/{projectId}/actionexecution/action/{actionId}',
  },
  getLastActionExecution: {
    operationId: 'getLastActionExecution',
    method: 'GET',
    idName: 'actionId',
    safeToRetry: true,
    read: 'json',
    path: '/api/{tenantId}/{projectId}/actionexecution/lastaction/{actionId}',
  },
  getActionExecution: {
    operationId: 'getActionExecution',
    method: 'GET',
    idName: 'executionId',
    safeToRetry: true,
    read: 'json',
    path: '/api/{tenantId}/{projectId}/actionexecution/{executionId}',
  },
  downloadPackage: {
    operationId: 'downloadActionExecutionPackage',
    method: 'GET',
    idName: 'executionId',
    safeToRetry: true,
    read: 'stream',
    path: '/api/{tenantId}/{projectId}/actionexecution/downloadpackage/{executionId}',
  },
  executeBlock: {
    operationId: 'executeBlock',
    method: 'POST',
    idName: 'blockId',
    safeToRetry: false,
    read: 'json',
    path: '/api/{tenantId}/{projectId}/block/{blockId}/execute',
  },
  getBlockResults: {
    operationId: 'getBlockResults',
    method: 'GET',
    idName: 'blockId',
    safeToRetry: true,
    read: 'json',
    path: '/api/{tenantId}/{projectId}/block/{blockId}/results',
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;
