import { createClient } from '@mindzie/client';
import { UnsupportedError, waitForBlockExecution } from '@mindzie/poller';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});
const blockId = '550e8400-e29b-41d4-a716-446655440000';

// Every call creates a new execution, so the client never retries it.
const execution = await client.executeBlock(blockId, {
  parameters: { dateFrom: '2024-01-01', dateTo: '2024-12-31', threshold: 1000 },
});
console.log(execution.message, execution.executionId);

try {
  // Success resolves; Failed or Cancelled rejects with ExecutionFailedError.
  const done = await waitForBlockExecution(client, blockId, execution.executionId, {
    timeoutMs: 10 * 60_000,
  });
  console.log(done.result);
} catch (error) {
  // Servers without block history cannot say when a block is done.
  if (error instanceof UnsupportedError) {
    console.warn(error.message);
  } else {
    throw error;
  }
}
