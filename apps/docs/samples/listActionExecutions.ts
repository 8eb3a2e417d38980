import { createClient } from '@mindzie/client';

const client = createClient.fromEnv();

const executions = await client.listActionExecutions('a0000000-0000-4000-8000-000000000001');
for (const { actionExecutionId, dateStarted, status, notes } of executions) {
  console.log(actionExecutionId, dateStarted, status, notes ?? '');
}
