import { createClient } from '@mindzie/client';
import { runBlock, UnsupportedError } from '@mindzie/poller';

const client = createClient.fromEnv();

try {
  // Executes once (never retried) and waits through the block's results: Success
  // resolves; Failed or Cancelled rejects with ExecutionFailedError.
  const { execution } = await runBlock(client, 'b0000000-0000-4000-8000-000000000001', {
    parameters: { dateFrom: '2024-01-01', dateTo: '2024-12-31', threshold: 1000 },
    timeoutMs: 10 * 60_000,
  });
  console.log(execution.status, execution.result);
} catch (error) {
  // Servers without block history cannot say when a block is done.
  if (error instanceof UnsupportedError) {
    console.warn(error.message);
  } else {
    throw error;
  }
}
