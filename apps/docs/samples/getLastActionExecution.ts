import { createClient } from '@mindzie/client';

const client = createClient.fromEnv();

// The server's 404 "Can't find action" means "no execution yet": the client answers
// null. Check this before executing again after a lost answer.
const last = await client.getLastActionExecution('a0000000-0000-4000-8000-000000000001');
if (last === null) {
  console.log('the action has not run yet');
} else {
  console.log(last.actionExecutionId, last.status, last.dateEnded ?? 'running');
}
