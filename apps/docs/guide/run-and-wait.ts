import { createClient } from '@mindzie/client';
import { waitForActionExecution } from '@mindzie/poller';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

// Execute creates a new execution every time: the client never retries it.
const queued = await client.executeAction('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');

// Polls with backoff until it ends, under one deadline.
const done = await waitForActionExecution(client, queued.actionExecutionId, {
  timeoutMs: 30 * 60_000,
});
console.log(done.status, done.dateEnded);
