// Every operation of the contract as the task client calls it: one row of named data each.
import type { operations, paths } from './generated/openapi.js';

type Method = 'get' | 'post';

/** How a success body becomes what the task method answers. */
export type Read = 'json' | 'items' | 'stream';

/** One row: checked against the contract, so a path, method or parameter it does not define fails to compile. */
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
          read: Read;
        };
  }[Method];
}[keyof paths];

export const OPERATIONS = {
  executeAction: {
    operationId: 'executeAction',
    method: 'GET',
    path: '/api/{tenantId}/{projectId}/action/execute/{actionId}',
    idName: 'actionId',
    safeToRetry: false,
    read: 'json',
  },
  listActionExecutions: {
    operationId: 'listActionExecutions',
    method: 'GET',
    path: '/api/{tenantId}/{projectId}/actionexecution/action/{actionId}',
    idName: 'actionId',
    safeToRetry: true,
    read: 'items',
  },
  getLastActionExecution: {
    operationId: 'getLastActionExecution',
    method: 'GET',
    path: '/api/{tenantId}/{projectId}/actionexecution/lastaction/{actionId}',
    idName: 'actionId',
    safeToRetry: true,
    read: 'json',
  },
  getActionExecution: {
    operationId: 'getActionExecution',
    method: 'GET',
    path: '/api/{tenantId}/{projectId}/actionexecution/{executionId}',
    idName: 'executionId',
    safeToRetry: true,
    read: 'json',
  },
  downloadPackage: {
    operationId: 'downloadActionExecutionPackage',
    method: 'GET',
    path: '/api/{tenantId}/{projectId}/actionexecution/downloadpackage/{executionId}',
    idName: 'executionId',
    safeToRetry: true,
    read: 'stream',
  },
  executeBlock: {
    operationId: 'executeBlock',
    method: 'POST',
    path: '/api/{tenantId}/{projectId}/block/{blockId}/execute',
    idName: 'blockId',
    safeToRetry: false,
    read: 'json',
  },
  getBlockResults: {
    operationId: 'getBlockResults',
    method: 'GET',
    path: '/api/{tenantId}/{projectId}/block/{blockId}/results',
    idName: 'blockId',
    safeToRetry: true,
    read: 'json',
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;
