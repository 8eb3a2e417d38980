// What the benches measure against: the reference pages' own loop (get the execution, stop on a
// terminal status, else sleep); the fixtures' id shape; a client of an in-process sandbox.
import { createClient } from '@mindzie/client';

/** A valid GUID of one kind (its first hex digit) and number. */
export const guid = (kind, i) => `${kind}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The reference pages' loop: execute, then get the execution every `sleepMs` until it ends. */
export async function referenceLoop(client, actionId, sleepMs) {
  const started = Date.now();
  const { actionExecutionId } = await client.executeAction(actionId);
  let requests = 0;
  for (;;) {
    const execution = await client.getActionExecution(actionExecutionId);
    requests++;
    if (execution.status === 'Completed' || execution.status === 'Failed') {
      return { execution, requests, started, at: Date.now() };
    }
    await new Promise((r) => setTimeout(r, sleepMs));
  }
}

/** A client of `sandbox` that never retries: a bench counts every request it sends. */
export const sandboxClient = (sandbox) =>
  createClient({
    baseUrl: sandbox.baseUrl,
    token: sandbox.token,
    tenantId: sandbox.tenantId,
    projectId: sandbox.projectId,
    maxRetries: 0,
  });
