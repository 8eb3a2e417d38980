import { createClient } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';

// node download.mjs <actionExecutionId>: the package of a Completed execution you already
// have. To run, wait and save in one call, use runAction (Execute an action).
const [executionId] = process.argv.slice(2);
if (!executionId) {
  throw new Error('usage: node download.mjs <actionExecutionId>');
}

const client = createClient.fromEnv();
// Saves in the current folder under the server's file name. The file appears only when
// complete; a failed download leaves nothing behind. In a browser,
// client.downloadPackage(executionId) answers the stream, the file name and the size.
const file = await downloadPackageToFile(client, executionId, { directory: '.' });
console.log(`${file.path} (${file.bytes} bytes)`);
