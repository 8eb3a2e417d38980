import { createClient, NotFoundError } from '@mindzie/client';

const client = createClient.fromEnv();

// One execution's status, once (to wait until it ends: waitForActionExecution, @mindzie/poller).
const executionId = 'e0000000-0000-4000-8000-000000000001';
try {
  const execution = await client.getActionExecution(executionId);
  console.log(execution.status, execution.dateEnded ?? 'running', execution.notes ?? '');
} catch (error) {
  if (error instanceof NotFoundError) {
    console.error(`no execution ${executionId}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
