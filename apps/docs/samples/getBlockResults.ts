import { createClient } from '@mindzie/client';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

const blockId = '550e8400-e29b-41d4-a716-446655440000';
const { message, executions } = await client.getBlockResults(blockId);
// Today's server answers "Block execution history not yet implemented"
// with no executions: treat that as unsupported, not as still running.
console.log(message);
for (const { executionId, status, errorMessage } of executions) {
  console.log(executionId, status, errorMessage ?? '');
}
