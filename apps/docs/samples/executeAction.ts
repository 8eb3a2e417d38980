import { createClient } from '@mindzie/client';
import { runAction } from '@mindzie/poller/node';

const client = createClient.fromEnv(); // MINDZIE_BASE_URL, MINDZIE_TOKEN, MINDZIE_TENANT_ID, MINDZIE_PROJECT_ID

// Executes once (execute is never retried: every call creates an execution), waits with
// backoff until Completed, and saves the ZIP into ./out (created if needed). A Failed
// execution rejects with ExecutionFailedError. One step at a time: client.executeAction(id)
// answers the queued execution, waitForActionExecution (@mindzie/poller) waits for it.
const result = await runAction(client, 'a0000000-0000-4000-8000-000000000001', { download: { directory: './out' } });
console.log(`${result.execution.status}: saved ${result.file.path}`);
