import { createClient, NotFoundError, RateLimitError, UnauthorizedError } from '@mindzie/client';
import { ExecutionFailedError, WaitTimeoutError } from '@mindzie/poller';
import { runAction } from '@mindzie/poller/node';

const client = createClient.fromEnv();

try {
  // In the sandbox, this action ("Nightly data import") always fails.
  const result = await runAction(client, 'a0000000-0000-4000-8000-000000000002', {
    timeoutMs: 60_000,
    download: { directory: './out' },
  });
  console.log(`saved ${result.file.path}`);
} catch (error) {
  // One error tree; the token never appears in a message.
  if (error instanceof ExecutionFailedError) {
    console.error('failed:', error.reason);
  } else if (error instanceof WaitTimeoutError) {
    console.error('still', error.lastSeen?.status);
  } else if (error instanceof NotFoundError) {
    console.error('not found:', error.reason);
  } else if (error instanceof UnauthorizedError) {
    console.error('check MINDZIE_TOKEN');
  } else if (error instanceof RateLimitError) {
    console.error('retry in', error.retryAfterMs, 'ms');
  } else {
    throw error;
  }
  process.exitCode = 1;
}
