// The contract suite: plain fetch over every operation and every documented response,
// each answer checked against the spec. It takes a target (base URL, token, ids), so the
// same suite runs against the sandbox, the sandbox behind `prism proxy`, or a real
// instance (read-only unless the target allows writes).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse, documentedResponses } from './response-validator.ts';
import type { Target } from './target.ts';

interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  json(): any;
  text(): string;
}

/** One request of each operation of the spec, for an id. */
const everyOperation = (id: string): Array<['GET' | 'POST', string]> => [
  ['GET', `/action/execute/${id}`],
  ['GET', `/actionexecution/action/${id}`],
  ['GET', `/actionexecution/lastaction/${id}`],
  ['GET', `/actionexecution/${id}`],
  ['GET', `/actionexecution/downloadpackage/${id}`],
  ['POST', `/block/${id}/execute`],
  ['GET', `/block/${id}/results`],
];

/** `more` adds tests that run inside the suite, with its target. */
export function contractSuite(
  name: string,
  createTarget: () => Promise<Target>,
  more?: (target: () => Target) => void,
): void {
  describe(`contract: ${name}`, () => {
    let target: Target;
    const seen = new Set<string>();
    beforeAll(async () => {
      target = await createTarget();
    });
    afterAll(() => target?.close());

    const root = () => `/api/${target.tenantId}/${target.projectId}`;

    /** One request; the answer must match the spec (and Prism must report no response violation). */
    async function call(
      method: 'GET' | 'POST',
      path: string,
      options: {
        token?: string | null;
        body?: unknown;
        /** A body sent as it is, with its media type. */
        raw?: { type: string; text: string };
        headers?: Record<string, string>;
        /** Instead of `/api/{tenantId}/{projectId}`. */
        root?: string;
      } = {},
    ): Promise<Answer> {
      const token = options.token === undefined ? target.token : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) {
        headers.authorization = `Bearer ${token}`;
      }
      let body: string | undefined;
      if (options.raw) {
        headers['content-type'] = options.raw.type;
        body = options.raw.text;
      } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      const fullPath = `${options.root ?? root()}${path}`;
      const response = await fetch(`${target.baseUrl}${fullPath}`, { method, headers, ...(body ? { body } : {}) });
      const bytes = new Uint8Array(await response.arrayBuffer());
      const checked = checkResponse(method, fullPath, response.status, response.headers, bytes, {
        binaryMangled: target.binaryMangled,
      });
      expect(checked.violations, `${method} ${path}`).toEqual([]);
      if (target.prismProxy) {
        const reported = JSON.parse(response.headers.get('sl-violations') ?? '[]') as Array<{ location: string[] }>;
        expect(
          reported.filter((violation) => violation.location[0] === 'response'),
          `Prism on ${method} ${path}`,
        ).toEqual([]);
      }
      const key = `${checked.operation.operationId} ${response.status}`;
      seen.add(key);
      for (const example of checked.examples) {
        seen.add(`${key} ${example}`);
      }
      const text = () => new TextDecoder().decode(bytes);
      return { status: response.status, headers: response.headers, bytes, text, json: () => JSON.parse(text()) };
    }

    /** Reads until the execution is terminal (the sandbox's time scale makes it quick). */
    async function untilTerminal(read: () => Promise<Answer>, terminal: string[], timeoutMs = 15_000): Promise<any> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = await read();
        expect(answer.status).toBe(200);
        const body = answer.json();
        const status = body.status ?? body.executions?.[0]?.status;
        if (terminal.includes(status)) {
          return body;
        }
        if (Date.now() > deadline) {
          throw new Error(`Still ${status} after ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    describe('read-only', () => {
      it('answers 401 with a free-text message to every operation, without or with a bad token', async () => {
        const unknown = randomUUID();
        for (const [method, path] of everyOperation(unknown)) {
          for (const token of [null, `not-a-valid-token-${unknown}`]) {
            const answer = await call(method, path, { token });
            expect(answer.status, `${method} ${path}`).toBe(401);
            expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
            expect(answer.text().length).toBeGreaterThan(0);
          }
        }
      });

      it('answers the documented 404 bodies for unknown ids, with their exact strings and casing', async () => {
        const id = randomUUID();
        expect((await call('GET', `/action/execute/${id}`)).json()).toEqual({
          error: 'Action not found',
          actionId: id,
        });
        expect((await call('GET', `/actionexecution/lastaction/${id}`)).json()).toEqual({
          error: "Can't find action",
          actionId: id,
        });
        expect((await call('GET', `/actionexecution/${id}`)).json()).toEqual({
          error: "Can't find action",
          executionId: id,
        });
        expect((await call('GET', `/actionexecution/downloadpackage/${id}`)).json()).toEqual({
          error: 'Execution not found',
          executionId: id,
        });
        expect((await call('POST', `/block/${id}/execute`, { body: {} })).json()).toEqual({
          Error: 'Block not found',
          BlockId: id,
        });
        expect((await call('GET', `/block/${id}/results`)).json()).toEqual({ Error: 'Block not found', BlockId: id });
      });

      it("lists no executions for an action it doesn't know", async () => {
        const answer = await call('GET', `/actionexecution/action/${randomUUID()}`);
        expect(answer.status).toBe(200);
        expect(answer.json()).toEqual({ items: [] });
      });

      it('reads an existing execution, its action history and its package', async (context) => {
        if (!target.executionId) {
          return context.skip();
        }
        const one = await call('GET', `/actionexecution/${target.executionId}`);
        expect(one.status).toBe(200);
        const execution = one.json();
        const history = (await call('GET', `/actionexecution/action/${execution.actionId}`)).json().items;
        expect(history.map((item: { actionExecutionId: string }) => item.actionExecutionId)).toContain(
          execution.actionExecutionId,
        );
        const started = history.map((item: { dateStarted: string }) => Date.parse(item.dateStarted));
        expect(started).toEqual([...started].sort((a, b) => b - a)); // newest first
        expect((await call('GET', `/actionexecution/lastaction/${execution.actionId}`)).status).toBe(200);
        const download = await call('GET', `/actionexecution/downloadpackage/${target.executionId}`);
        expect(download.status).toBe(execution.status === 'Completed' ? 200 : 404);
      });

      it("reads a block's results", async (context) => {
        if (!target.blockId) {
          return context.skip();
        }
        const answer = await call('GET', `/block/${target.blockId}/results`);
        expect(answer.status).toBe(200);
        expect(answer.json().blockId).toBe(target.blockId);
      });
    });

    describe('executions (creates executions: sandbox, or a real instance with MINDZIE_CONTRACT_WRITE=1)', () => {
      it('runs an action to Completed and downloads its ZIP package', async (context) => {
        if (!target.write || !target.actionId) {
          return context.skip();
        }
        const queued = await call('GET', `/action/execute/${target.actionId}`);
        expect(queued.status).toBe(200);
        const execution = queued.json();
        expect(execution).toMatchObject({ actionId: target.actionId, status: 'Queued', dateEnded: null });
        const done = await untilTerminal(
          () => call('GET', `/actionexecution/${execution.actionExecutionId}`),
          ['Completed', 'Failed'],
        );
        expect(done.status).toBe('Completed');
        const last = (await call('GET', `/actionexecution/lastaction/${target.actionId}`)).json();
        expect(last.actionExecutionId).toBe(execution.actionExecutionId);
        const download = await call('GET', `/actionexecution/downloadpackage/${execution.actionExecutionId}`);
        expect(download.status).toBe(200);
        expect(download.headers.get('content-type')).toBe('application/zip');
      });

      it('queues a block with and without parameters (202) and lists its executions', async (context) => {
        if (!target.write || !target.blockId) {
          return context.skip();
        }
        const withParameters = await call('POST', `/block/${target.blockId}/execute`, {
          body: { parameters: { threshold: 1000 } },
        });
        expect(withParameters.status).toBe(202);
        expect(withParameters.json()).toMatchObject({ blockId: target.blockId, status: 'Queued' });
        expect((await call('POST', `/block/${target.blockId}/execute`)).status).toBe(202);
        expect((await call('POST', `/block/${target.blockId}/execute`, { body: {} })).status).toBe(202);
        expect((await call('GET', `/block/${target.blockId}/results`)).status).toBe(200);
      });
    });

    describe('scripted behaviours (the sandbox fixture)', () => {
      it('fails an action with notes, and has no package for it', async (context) => {
        const ids = target.scripted;
        if (!ids) {
          return context.skip();
        }
        const execution = (await call('GET', `/action/execute/${ids.failedActionId}`)).json();
        const failed = await untilTerminal(
          () => call('GET', `/actionexecution/${execution.actionExecutionId}`),
          ['Completed', 'Failed'],
        );
        expect(failed.status).toBe('Failed');
        expect(failed.notes).toEqual(expect.any(String));
        expect((await call('GET', `/actionexecution/downloadpackage/${execution.actionExecutionId}`)).json()).toEqual({
          error: 'Zip file not found',
          executionId: execution.actionExecutionId,
        });
      });

      it('serves byte ranges of a package: 206 when If-Range matches, 416 beyond its end', async (context) => {
        if (!target.scripted || !target.executionId) {
          return context.skip(); // the sandbox's own answers: the vendor's pages describe no ranges
        }
        const path = `/actionexecution/downloadpackage/${target.executionId}`;
        const whole = await call('GET', path);
        expect(whole.headers.get('accept-ranges')).toBe('bytes');
        const etag = whole.headers.get('etag')!;
        const part = await call('GET', path, { headers: { range: 'bytes=10-', 'if-range': etag } });
        expect(part.status).toBe(206);
        // The package's size from Content-Range: Prism re-encodes the whole body it passes on.
        const size = Number(part.headers.get('content-range')?.split('/')[1]);
        expect(part.headers.get('content-range')).toBe(`bytes 10-${size - 1}/${size}`);
        if (!target.binaryMangled) {
          expect(size).toBe(whole.bytes.length);
          expect(part.bytes).toEqual(whole.bytes.slice(10));
        }
        const beyond = await call('GET', path, { headers: { range: `bytes=${size}-` } });
        expect(beyond.status).toBe(416);
        expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
      });

      it("refuses malformed requests in the sandbox's own documented words (400, 413, 415, 431)", async (context) => {
        if (!target.scripted) {
          return context.skip(); // the sandbox's own answers: a real server may answer these otherwise
        }
        const badRoot = `/api/${target.tenantId}/not-a-guid`;
        for (const [method, path] of everyOperation(randomUUID())) {
          const answer = await call(method, path, { root: badRoot });
          expect([answer.status, answer.json()], `${method} ${path}`).toEqual([
            400,
            { error: 'Invalid request: path parameter projectId must match format "uuid"' },
          ]);
          // Prism's own server refuses headers this large before it proxies them.
          if (!target.prismProxy) {
            const large = await call(method, path, { headers: { 'x-padding': 'x'.repeat(17 * 1024) } });
            expect([large.status, large.json()]).toEqual([431, { error: expect.stringMatching(/^Request headers/) }]);
          }
        }
        const block = `/block/${target.scripted.succeedingBlockId}/execute`;
        const big = await call('POST', block, { body: { parameters: { padding: 'x'.repeat(65 * 1024) } } });
        expect([big.status, big.json()]).toEqual([413, { error: expect.stringMatching(/^Request body too large/) }]);
        const text = await call('POST', block, { raw: { type: 'text/plain', text: 'parameters' } });
        expect([text.status, text.json()]).toEqual([415, { error: expect.stringMatching(/^Unsupported media type/) }]);
      });

      it("refuses to execute an action that can't create an execution", async (context) => {
        const ids = target.scripted;
        if (!ids) {
          return context.skip();
        }
        const answer = await call('GET', `/action/execute/${ids.refusedActionId}`);
        expect(answer.status).toBe(404);
        expect(answer.json()).toEqual({ error: "Action can't create execution", actionId: ids.refusedActionId });
      });

      it('ends blocks as Success with a result, Failed with errorMessage, and Cancelled', async (context) => {
        const ids = target.scripted;
        if (!ids) {
          return context.skip();
        }
        const expected: Array<[string, object]> = [
          [ids.succeedingBlockId, { status: 'Success', result: expect.any(Object), errorMessage: null }],
          [ids.failingBlockId, { status: 'Failed', result: null, errorMessage: expect.any(String) }],
          [ids.cancelledBlockId, { status: 'Cancelled', result: null }],
        ];
        for (const [blockId, outcome] of expected) {
          expect((await call('POST', `/block/${blockId}/execute`)).status).toBe(202);
          const results = await untilTerminal(
            () => call('GET', `/block/${blockId}/results`),
            ['Success', 'Failed', 'Cancelled'],
          );
          expect(results.executions[0]).toMatchObject(outcome);
        }
      });

      it("answers a block's results like the vendor's current server when the fixture says so", async (context) => {
        const ids = target.scripted;
        if (!ids) {
          return context.skip();
        }
        expect((await call('GET', `/block/${ids.notImplementedBlockId}/results`)).json()).toEqual({
          blockId: ids.notImplementedBlockId,
          message: 'Block execution history not yet implemented',
          executions: [],
        });
      });
    });

    more?.(() => target);

    it('has exercised every response the spec documents', (context) => {
      if (!target.requireEveryResponse) {
        return context.skip();
      }
      // Behind Prism, 431 is Prism's own answer (see above): the sandbox never sees those headers.
      const unreachable = target.prismProxy ? / 431$/ : /^$/;
      const missing = documentedResponses().filter((response) => !seen.has(response) && !unreachable.test(response));
      expect(missing).toEqual([]);
    });
  });
}
