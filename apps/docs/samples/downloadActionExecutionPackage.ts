import { createClient } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';
import { runAction } from '@mindzie/poller/node';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});
const executionId = '11111111-2222-3333-4444-555555555555';

// Node: save it under the server's file name. The file appears only when
// complete; a failed download leaves nothing behind.
const file = await downloadPackageToFile(client, executionId, {
  directory: './out',
});
console.log(`${file.path} (${file.bytes} bytes)`);

// Anywhere, browsers too: read the stream yourself.
const { stream, filename } = await client.downloadPackage(executionId);
const zip = new Uint8Array(await new Response(stream).arrayBuffer());
console.log(filename, zip.byteLength);

// Or execute, wait and download in one call, under one deadline.
const result = await runAction(client, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', {
  timeoutMs: 30 * 60_000,
  download: { directory: './out' },
});
console.log(result.execution.status, result.file?.path);
