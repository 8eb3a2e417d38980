// The test page's script, bundled for browsers by esbuild from the installed packages (as a
// web app's bundler would): a run, a wait, a download and an error against the sandbox,
// logging each step to the console. The sandbox's settings come from sandbox.json, served
// beside the page. window.proof holds the outcome for the test to read.
import { createClient, UnauthorizedError } from '@mindzie/client';
import { waitForActionExecution } from '@mindzie/poller';

async function prove() {
  const sandbox = await (await fetch('sandbox.json')).json();
  const settings = { baseUrl: sandbox.baseUrl, tenantId: sandbox.tenantId, projectId: sandbox.projectId };
  const client = createClient({ ...settings, token: sandbox.token });
  const action = sandbox.actions.find((candidate) => candidate.outcome === 'Completed' && candidate.durationMs < 5_000);

  const queued = await client.executeAction(action.actionId);
  console.log(`executed: ${queued.actionExecutionId} ${queued.status}`);
  const done = await waitForActionExecution(client, queued.actionExecutionId, {
    timeoutMs: 60_000,
    onPoll: (event) => console.log(`progress: attempt ${event.attempt} ${JSON.stringify(event.value ?? event.error)}`),
  });
  console.log(`done: ${JSON.stringify(done)}`);
  const download = await client.downloadPackage(done.actionExecutionId);
  const bytes = new Uint8Array(await new Response(download.stream).arrayBuffer());
  console.log(`downloaded ${download.filename}: ${bytes.byteLength} bytes`);

  let refused;
  try {
    await createClient({ ...settings, token: sandbox.wrongToken }).getLastActionExecution(action.actionId);
  } catch (error) {
    refused = error;
    console.error(error);
    console.log(`refused: ${error.name}: ${error.message} ${JSON.stringify(error)}`);
  }
  return {
    status: done.status,
    zip: bytes[0] === 0x50 && bytes[1] === 0x4b,
    filename: download.filename,
    error: refused instanceof UnauthorizedError ? refused.name : String(refused),
    userAgent: navigator.userAgent,
  };
}

window.proof = prove().catch((error) => ({ failed: `${error?.name}: ${error?.message}` }));
