import { createClient, NotFoundError } from '@mindzie/client';

// node show.mjs <actionExecutionId>: one execution's status, once. To wait until it ends,
// use waitForActionExecution from @mindzie/poller.
const [executionId] = process.argv.slice(2);
if (!executionId) {
  throw new Error('usage: node show.mjs <actionExecutionId>');
}

const client = createClient.fromEnv();
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
