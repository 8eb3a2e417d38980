import { createClient, NotFoundError, RateLimitError, UnauthorizedError } from '@mindzie/client';
import { ExecutionFailedError, runAction, WaitTimeoutError } from '@mindzie/poller';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

try {
  await runAction(client, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', { timeoutMs: 60_000 });
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
}
