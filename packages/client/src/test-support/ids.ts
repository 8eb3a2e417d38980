// Ids for tests: the contract's own examples, read from the bundle rather than retyped.
import { createRequire } from 'node:module';
import type { ActionExecutionStatus } from '../types.js';

const spec = createRequire(import.meta.url)('@mindzie/spec/openapi.json') as {
  components: { parameters: Record<string, { example: string }> };
};
const example = (name: string) => spec.components.parameters[name]!.example;

export const ids = {
  tenantId: example('tenantId'),
  projectId: example('projectId'),
  actionId: example('actionId'),
  executionId: example('executionId'),
  blockId: example('blockId'),
};

/** A token that looks like a real one, so redaction tests mean something. */
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2VuLWZvci10ZXN0cw.s3cr3t-SIGNATURE';

/** An action execution body as the server sends it, in the given status. */
export const anExecution = (status: ActionExecutionStatus) => ({
  actionId: ids.actionId,
  actionExecutionId: ids.executionId,
  dateStarted: '2024-01-15T10:30:00Z',
  dateEnded: null,
  status,
  notes: null,
});
