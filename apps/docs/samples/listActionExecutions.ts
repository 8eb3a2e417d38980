import { createClient } from '@mindzie/client';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

const actionId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const executions = await client.listActionExecutions(actionId);
for (const { actionExecutionId, dateStarted, status, notes } of executions) {
  console.log(actionExecutionId, dateStarted, status, notes ?? '');
}
