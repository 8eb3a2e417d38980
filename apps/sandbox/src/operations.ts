// One function per operation of the spec, keyed by its operationId. Each reads the
// sandbox's state and returns the answer; routing, validation and serialisation are
// done by the spec-driven server around them. Error bodies are the spec's examples.
import type { Clock } from './clock.ts';
import { phaseAt } from './clock.ts';
import { cannotCreateExecution } from './fixture.ts';
import type { components, operations } from './generated/openapi.ts';
import { byteWindow, decideRange, packageValidators, type Validators } from './ranges.ts';
import { sandboxError } from './sandbox-error.ts';
import { errorBodyFromExample, exampleValue } from './spec.ts';
import type { ProjectState, SandboxState, TenantState } from './state.ts';
import { actionExecutionView, blockExecutionView } from './views.ts';
import { type PackageStream, zipPackage } from './zip.ts';

export type OperationId = keyof operations;

export interface OperationInput {
  tenant: TenantState;
  params: Record<string, string>;
  body: unknown;
  /** The request's Range and If-Range headers (downloads only). */
  range?: { range: string | undefined; ifRange: string | undefined };
  /** Byte ranges and validators on downloads (off: every download is a whole 200, as the vendor documents). */
  ranges: boolean;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string | number>;
}

export type Operation = (input: OperationInput) => Answer | Promise<Answer>;

type BlockResults = components['schemas']['BlockResults'];

const notImplementedMessage = exampleValue<BlockResults>('BlockResultsNotImplemented').message;
const historyMessage = exampleValue<BlockResults>('BlockResultsWithExecutions').message;

const rangeNotSatisfiable = exampleValue<{ error: string }>('RangeNotSatisfiable').error;

const notFound = (example: string, id: string): Answer => ({
  status: 404,
  body: errorBodyFromExample(example, id.toLowerCase()),
});

/** A package with Accept-Ranges and validators: whole (200), a part (206) or none (416). */
function packageAnswer(
  zip: PackageStream,
  validators: Validators,
  headers: Record<string, string>,
  request: OperationInput['range'],
): Answer {
  const decision = decideRange(request?.range, request?.ifRange, zip.size, validators);
  const common = { 'accept-ranges': 'bytes', etag: validators.etag, 'last-modified': validators.lastModified };
  if (decision.kind === 'unsatisfiable') {
    zip.stream.destroy();
    return {
      status: 416,
      body: sandboxError(rangeNotSatisfiable),
      headers: { ...common, 'content-range': `bytes */${zip.size}` },
    };
  }
  if (decision.kind === 'part') {
    const { start, end } = decision;
    return {
      status: 206,
      body: byteWindow(zip.stream, start, end),
      headers: {
        ...headers,
        ...common,
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${zip.size}`,
      },
    };
  }
  return { status: 200, body: zip.stream, headers: { ...headers, ...common, 'content-length': zip.size } };
}

export function createOperations(state: SandboxState, clock: Clock): Record<OperationId, Operation> {
  const projectOf = ({ tenant, params }: OperationInput): ProjectState =>
    state.project(tenant, params.tenantId!, params.projectId!);

  return {
    executeAction(input) {
      const actionId = input.params.actionId!;
      const project = projectOf(input);
      const action = project.action(actionId);
      if (!action) {
        return notFound('ActionNotFound', actionId);
      }
      if (action.fixture.outcome === cannotCreateExecution) {
        return notFound('ActionCannotCreateExecution', actionId);
      }
      const record = state.startActionExecution(project, action);
      // As it was when created (Queued): a busy machine may pass its scaled queue time before the answer.
      return { status: 200, body: actionExecutionView(record, record.timeline.queuedAt) };
    },

    listActionExecutions(input) {
      const action = projectOf(input).action(input.params.actionId!);
      const now = clock.now();
      const items = (action?.executions ?? []).map((record) => actionExecutionView(record, now)).reverse();
      return { status: 200, body: { items } };
    },

    getLastActionExecution(input) {
      const actionId = input.params.actionId!;
      const last = projectOf(input).action(actionId)?.executions.at(-1);
      if (!last) {
        return notFound('LastExecutionNotFound', actionId);
      }
      return { status: 200, body: actionExecutionView(last, clock.now()) };
    },

    getActionExecution(input) {
      const executionId = input.params.executionId!;
      const record = projectOf(input).actionExecution(executionId);
      if (!record) {
        return notFound('ExecutionCannotBeFound', executionId);
      }
      return { status: 200, body: actionExecutionView(record, clock.now()) };
    },

    async downloadActionExecutionPackage(input) {
      const executionId = input.params.executionId!;
      const record = projectOf(input).actionExecution(executionId);
      if (!record) {
        return notFound('PackageExecutionNotFound', executionId);
      }
      const { action, timeline } = record;
      const completed = action.outcome === 'Completed' && phaseAt(timeline, clock.now()) === 'ended';
      if (!completed || !action.package?.length) {
        return notFound('PackageZipNotFound', executionId);
      }
      const zip = await zipPackage(action.package, new Date(timeline.endsAt));
      const headers = {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${record.actionExecutionId}.zip"`,
      };
      if (!input.ranges) {
        return { status: 200, body: zip.stream, headers: { ...headers, 'content-length': zip.size } };
      }
      return packageAnswer(zip, packageValidators(record.actionExecutionId, timeline.endsAt), headers, input.range);
    },

    executeBlock(input) {
      const blockId = input.params.blockId!;
      const block = projectOf(input).block(blockId);
      if (!block) {
        return notFound('BlockNotFound', blockId);
      }
      const parameters = (input.body as components['schemas']['BlockExecuteRequest'] | undefined)?.parameters;
      const record = state.startBlockExecution(block, parameters);
      return { status: 202, body: blockExecutionView(record, record.timeline.queuedAt) };
    },

    getBlockResults(input) {
      const blockId = input.params.blockId!;
      const block = projectOf(input).block(blockId);
      if (!block) {
        return notFound('BlockNotFound', blockId);
      }
      const id = blockId.toLowerCase();
      if (block.resultsMode === 'notImplemented') {
        return { status: 200, body: { blockId: id, message: notImplementedMessage, executions: [] } };
      }
      const now = clock.now();
      const executions = block.executions.map((record) => blockExecutionView(record, now)).reverse();
      return { status: 200, body: { blockId: id, message: historyMessage, executions } };
    },
  };
}
