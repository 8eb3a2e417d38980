import { createClient } from '@mindzie/client';
import { ExecutionFailedError, waitForActionExecution } from '@mindzie/poller';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

// Every call creates a new execution, so the client never retries it.
// Keep the id: it is all you need to follow the execution.
const actionId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const execution = await client.executeAction(actionId);
console.log(`queued ${execution.actionExecutionId}`);

try {
  // Polls with backoff until Completed (resolves) or Failed (rejects).
  const done = await waitForActionExecution(client, execution.actionExecutionId, {
    timeoutMs: 30 * 60_000,
  });
  console.log(`completed at ${done.dateEnded}`);
} catch (error) {
  if (error instanceof ExecutionFailedError) {
    console.error(`failed: ${error.reason}`);
  } else {
    throw error;
  }
}
