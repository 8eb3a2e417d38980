import { createClient } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';

const client = createClient.fromEnv();

// The package of an execution that completed earlier (its actionExecutionId, kept when it ran).
// Saves the ZIP in the current folder under the server's file name; the file appears only
// when complete, and an existing one is never overwritten (unless overwrite: true).
const file = await downloadPackageToFile(client, 'e0000000-0000-4000-8000-000000000001', { directory: '.' });
console.log(`${file.path} (${file.bytes} bytes)`);
