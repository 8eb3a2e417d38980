// The published client and poller against a running sandbox, in whichever runtime runs
// this file (Node, Bun, Deno): execute, wait, downloadPackageToFile (the runtime's own transport:
// undici on Node and Deno, Bun's fetch), and an error whose message must not carry the token.
// MINDZIE_SANDBOX is the sandbox's --json line. Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, UnauthorizedError } from '@mindzie/client';
import { downloadPackageToFile } from '@mindzie/client/node';
import { waitForActionExecution } from '@mindzie/poller';

const sandbox = JSON.parse(process.env.MINDZIE_SANDBOX ?? '{}');
const runtime =
  typeof globalThis.Bun !== 'undefined'
    ? `bun ${globalThis.Bun.version}`
    : typeof globalThis.Deno !== 'undefined'
      ? `deno ${globalThis.Deno.version.deno}`
      : `node ${process.version}`;
const fail = (message) => {
  console.log(JSON.stringify({ runtime, error: message }));
  process.exit(1);
};
const settings = { baseUrl: sandbox.baseUrl, tenantId: sandbox.tenantId, projectId: sandbox.projectId };
const client = createClient({ ...settings, token: sandbox.token });
const action = sandbox.actions.find((candidate) => candidate.outcome === 'Completed' && candidate.durationMs < 5_000);

const queued = await client.executeAction(action.actionId);
const done = await waitForActionExecution(client, queued.actionExecutionId, { timeoutMs: 60_000 });
if (done.status !== 'Completed') {
  fail(`expected Completed, got ${done.status}`);
}
// Into a folder that does not exist yet: downloadPackageToFile creates it.
const folder = mkdtempSync(join(tmpdir(), 'mindzie-smoke-'));
const saved = await downloadPackageToFile(client, done.actionExecutionId, { directory: join(folder, 'out') });
const zip = readFileSync(saved.path);
rmSync(folder, { recursive: true, force: true });
if (zip[0] !== 0x50 || zip[1] !== 0x4b || zip.byteLength !== saved.bytes) {
  fail('the package is not a ZIP file');
}
const download = { filename: saved.filename };

const secret = 'proof-secret-token-7f3a9c';
let refused;
try {
  await createClient({ ...settings, token: secret }).getLastActionExecution(action.actionId);
} catch (error) {
  refused = error;
}
if (!(refused instanceof UnauthorizedError)) {
  fail(`a wrong token should be an UnauthorizedError, got ${refused}`);
}
const shown = `${refused.message} ${refused.stack} ${JSON.stringify(refused)}`;
if (shown.includes(secret)) {
  fail('the token appears in the error');
}

console.log(
  JSON.stringify({ runtime, status: done.status, file: download.filename, bytes: zip.byteLength, error: refused.name }),
);
