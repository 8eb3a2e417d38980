// Where the per-call overhead goes: the same GET through fetch variants that each add one
// thing the client does, interleaved call by call. Not part of `bench`; run it by hand:
//   node bench/overhead-variants.mjs        (needs the build)
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import createOpenApiClient from 'openapi-fetch';
import { createClient } from '../dist/index.js';

const here = new URL('.', import.meta.url).pathname;
const server = fork(join(here, 'server.mjs'), { env: { ...process.env, PACKAGE_MIB: '1' } });
const { port } = await new Promise((resolve) => server.once('message', resolve));
const baseUrl = `http://127.0.0.1:${port}`;
const ids = { tenantId: '12345678-1234-1234-1234-123456789012', projectId: '87654321-4321-4321-4321-210987654321' };
const executionId = '11111111-2222-3333-4444-555555555555';
const url = `${baseUrl}/api/${ids.tenantId}/${ids.projectId}/actionexecution/${executionId}`;
const token = 'bench-token-0123456789';
const headers = { Authorization: `Bearer ${token}` };
const openapi = createOpenApiClient({ baseUrl });
const client = createClient({ baseUrl, token, ...ids });
const clientWithoutUserAgent = createClient({ baseUrl, token, ...ids, userAgent: '' });
const withTimeout = async (run) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
  }
};

const noop = { onRequest: () => undefined, onResponse: () => undefined };
const openapiWithMiddleware = createOpenApiClient({ baseUrl });
openapiWithMiddleware.use(noop, { ...noop });
const path = '/api/{tenantId}/{projectId}/actionexecution/{executionId}';
const params = { path: { ...ids, executionId } };

const variants = {
  'fetch (baseline)': async () => (await fetch(url, { headers })).json(),
  'fetch + signal + timer': () => withTimeout(async (signal) => (await fetch(url, { headers, signal })).json()),
  'openapi-fetch GET': async () => (await openapi.GET(path, { params, headers })).data,
  'openapi-fetch GET + 2 no-op middlewares': async () =>
    (await openapiWithMiddleware.GET(path, { params, headers })).data,
  'openapi-fetch GET + signal + timer': () =>
    withTimeout(async (signal) => (await openapi.GET(path, { params, headers, signal })).data),
  'openapi-fetch GET, fetch(request, { signal }) + timer (the floor)': () =>
    withTimeout(async (signal) => {
      const fetch = (request) => globalThis.fetch(request, { signal });
      return (await openapi.GET(path, { params, headers, fetch })).data;
    }),
  'client, no User-Agent': () => clientWithoutUserAgent.getActionExecution(executionId),
  'client (default)': () => client.getActionExecution(executionId),
};

// ONLY=client,signal (words matched against the names) runs a subset; the baseline always runs.
for (const name of Object.keys(variants)) {
  const only = process.env.ONLY?.split(',');
  if (only && name !== 'fetch (baseline)' && !only.some((word) => name.includes(word))) {
    delete variants[name];
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const CALLS = Number(process.env.CALLS ?? 5000);
try {
  for (let i = 0; i < 300; i++) {
    for (const call of Object.values(variants)) {
      await call();
    }
  }
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let i = 0; i < CALLS; i++) {
    for (const [name, call] of Object.entries(variants)) {
      const started = performance.now();
      await call();
      times[name].push((performance.now() - started) * 1000);
    }
  }
  const baseline = median(times['fetch (baseline)']);
  for (const [name, values] of Object.entries(times)) {
    console.log(
      `${name.padEnd(34)} ${median(values).toFixed(1).padStart(7)} µs  ${(median(values) / baseline).toFixed(3)}x`,
    );
  }
} finally {
  server.kill();
}
