// client.use / client.eject: openapi-fetch middleware on the task client, against a real server.
import { describe, expect, it } from 'vitest';
import { createClient, type Middleware } from './index.js';
import { sendJson, serversPerTest } from './test-support/http-server.js';
import { anExecution, ids, TOKEN } from './test-support/ids.js';

const servers = serversPerTest();
const execution = anExecution('Running');

describe('middleware on the task client', () => {
  it('sees every attempt, retries included, and stops seeing them once ejected', async () => {
    let seen = 0;
    const server = await servers.serve((_req, res) =>
      ++seen === 1 ? sendJson(res, 503, {}, { 'Retry-After': '0' }) : sendJson(res, 200, execution),
    );
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    const lines: string[] = [];
    // The README's logging example: method, path and status; never the headers (they carry the token).
    const logging: Middleware = {
      onRequest: ({ request }) => void lines.push(`→ ${request.method} ${new URL(request.url).pathname}`),
      onResponse: ({ response }) => void lines.push(`← ${response.status}`),
    };
    client.use(logging);
    await expect(client.getActionExecution(ids.executionId)).resolves.toEqual(execution);
    const path = `/api/${ids.tenantId}/${ids.projectId}/actionexecution/${ids.executionId}`;
    expect(lines).toEqual([`→ GET ${path}`, '← 503', `→ GET ${path}`, '← 200']);
    client.eject(logging);
    await client.getActionExecution(ids.executionId);
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('can add a header to every request, and sees the answer before it becomes an error', async () => {
    const server = await servers.serve((_req, res) => sendJson(res, 404, { error: 'Execution not found' }));
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    const statuses: number[] = [];
    client.use({
      onRequest: ({ request }) => void request.headers.set('X-Correlation-Id', 'run-42'),
      onResponse: ({ response }) => void statuses.push(response.status),
    });
    await expect(client.getActionExecution(ids.executionId)).rejects.toMatchObject({
      name: 'NotFoundError',
      reason: 'Execution not found',
    });
    expect(server.requests[0]?.headers['x-correlation-id']).toBe('run-42');
    expect(statuses).toEqual([404]);
  });

  it('refuses what is not middleware, as openapi-fetch does', () => {
    const client = createClient({
      baseUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    expect(() => client.use({} as Middleware)).toThrow(/Middleware must be an object/);
  });
});
