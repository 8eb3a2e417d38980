import { createClient } from '@mindzie/client';
import { waitForActionExecution } from '@mindzie/poller';

const client = createClient.fromEnv();

// Lower level: execute answers at once with the queued execution. Execute creates a new
// execution every time, so the client never retries it: store the id before you wait.
const queued = await client.executeAction('a0000000-0000-4000-8000-000000000001');
console.log(`queued ${queued.actionExecutionId}`);

// Polls with backoff until Completed (resolves) or Failed (rejects), under one deadline.
const done = await waitForActionExecution(client, queued.actionExecutionId, { timeoutMs: 30 * 60_000 });
console.log(done.status, done.dateEnded);
