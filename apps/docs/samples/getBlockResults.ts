import { createClient } from '@mindzie/client';

const client = createClient.fromEnv();

const { message, executions } = await client.getBlockResults('b0000000-0000-4000-8000-000000000001');
// Today's server answers "Block execution history not yet implemented" with no
// executions: treat that as unsupported, not as still running.
console.log(message);
for (const { executionId, status, errorMessage } of executions) {
  console.log(executionId, status, errorMessage ?? '');
}
