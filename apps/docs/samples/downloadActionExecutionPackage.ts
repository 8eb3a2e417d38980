import { createClient } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';

const client = createClient.fromEnv();

// The package of an execution that completed earlier. To run, wait and save in one call,
// use runAction (Execute an action). Saves in the current folder under the server's file
// name; the file appears only when complete, and a failed download leaves nothing behind.
// In a browser, client.downloadPackage(executionId) answers the stream, name and size.
const file = await downloadPackageToFile(client, 'e0000000-0000-4000-8000-000000000001', { directory: '.' });
console.log(`${file.path} (${file.bytes} bytes)`);
