import { createClient } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';

// node download.mjs <actionExecutionId>: the package of a Completed execution you already have.
const [executionId] = process.argv.slice(2);
if (!executionId) {
  throw new Error('usage: node download.mjs <actionExecutionId>');
}

const client = createClient.fromEnv();
// Saves the ZIP in the current folder under the server's file name; the file appears only
// when complete, and an existing one is never overwritten (unless overwrite: true).
const file = await downloadPackageToFile(client, executionId, { directory: '.' });
console.log(`${file.path} (${file.bytes} bytes)`);
