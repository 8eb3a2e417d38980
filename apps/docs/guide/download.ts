import { createClient } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';
import { runAction } from '@mindzie/poller/node';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});

// Execute, wait and download in one call (Node): the file appears only when complete.
const { execution, file } = await runAction(client, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', {
  timeoutMs: 30 * 60_000,
  download: { directory: './out' },
});
console.log(execution.status, file?.path);

// The package of an execution you already have.
const saved = await downloadPackageToFile(client, execution.actionExecutionId, { directory: './out' });
console.log(`${saved.path} (${saved.bytes} bytes)`);
