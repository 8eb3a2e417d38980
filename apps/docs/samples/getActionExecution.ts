import { createClient, NotFoundError } from '@mindzie/client';
import { waitForActionExecution } from '@mindzie/poller';

const client = createClient({
  baseUrl: 'https://your-mindzie-instance.com',
  token: process.env.MINDZIE_TOKEN ?? '',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
});
const executionId = '11111111-2222-3333-4444-555555555555';

// Optional: openapi-fetch middleware sees every attempt (retries included). Log method, path and
// status, never headers (they carry the token). Tracing: client.use(tracingMiddleware()) from
// '@mindzie/client/otel'.
client.use({
  onRequest: ({ request }) => console.log(`-> ${request.method} ${new URL(request.url).pathname}`),
  onResponse: ({ response }) => console.log(`<- ${response.status}`),
});

try {
  const execution = await client.getActionExecution(executionId);
  console.log(execution.status, execution.notes ?? '');
} catch (error) {
  if (error instanceof NotFoundError) {
    console.error(`no execution ${executionId}`);
  } else {
    throw error;
  }
}

// Or poll it until Completed or Failed: backoff with jitter, one deadline,
// and Ctrl+C stops the wait without leaving a request behind.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
const finished = await waitForActionExecution(client, executionId, {
  timeoutMs: 10 * 60_000,
  signal: stop.signal,
  returnFailed: true, // resolve with a Failed execution instead of throwing
});
if (finished.status === 'Failed') {
  console.error(`failed: ${finished.notes}`);
}
