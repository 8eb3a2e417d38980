import { createClient } from '@mindzie/client';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

// The server's 404 "Can't find action" means "no execution yet": the
// client answers null. Check this before executing again after a lost answer.
const actionId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const last = await client.getLastActionExecution(actionId);
if (last === null) {
  console.log('the action has not run yet');
} else {
  console.log(last.actionExecutionId, last.status, last.dateEnded ?? 'running');
}
