import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  curlSample,
  readTypeScriptSamples,
  SampleMismatchError,
  shellVariable,
  TOKEN_VARIABLE,
  withCodeSamples,
} from './code-samples.mjs';
import { ensureCurl } from './debian-packages.mjs';
import { listOperations, resolveRef } from './operations.mjs';

const bundle = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@mindzie/spec/openapi.json'), 'utf8'));
const operations = listOperations(bundle);
const samplesDir = new URL('../samples/', import.meta.url).pathname;
const samples = readTypeScriptSamples(samplesDir);

describe('x-codeSamples injection', () => {
  it('gives every operation a TypeScript sample from samples/ and a cURL sample', () => {
    const decorated = withCodeSamples(bundle, samples);
    for (const op of listOperations(decorated)) {
      const codeSamples = op.operation['x-codeSamples'];
      expect(
        codeSamples.map((s: { label: string }) => s.label),
        op.operationId,
      ).toEqual(['TypeScript', 'cURL']);
      expect(codeSamples[0].source).toBe(readFileSync(join(samplesDir, `${op.operationId}.ts`), 'utf8').trimEnd());
      expect(codeSamples[1].source).toBe(curlSample(bundle, op));
    }
  });

  it('leaves the bundle it was given untouched', () => {
    const before = JSON.stringify(bundle);
    withCodeSamples(bundle, samples);
    expect(JSON.stringify(bundle)).toBe(before);
  });

  it('fails naming the operation whose TypeScript sample is missing', () => {
    const without = new Map(samples);
    without.delete('executeBlock');
    expect(() => withCodeSamples(bundle, without)).toThrow(SampleMismatchError);
    expect(() => withCodeSamples(bundle, without)).toThrow(/executeBlock \(samples\/executeBlock\.ts\)/);
  });

  it('fails naming a sample whose operation the spec does not have (a renamed operationId)', () => {
    const renamed = new Map(samples).set('runAction', 'export {};');
    expect(() => withCodeSamples(bundle, renamed)).toThrow(/samples\/runAction\.ts/);
  });

  it('has exactly one TypeScript sample file per operation, each using the client', () => {
    const files = readdirSync(samplesDir).filter((f) => f.endsWith('.ts'));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(operations.map((op) => op.operationId).sort());
    for (const [id, source] of samples) {
      expect(source, id).toMatch(/from '@mindzie\/client'/);
    }
  });
});

// Each cURL sample is run with curl against a local server that records what arrives,
// so a sample that sends the wrong method, path, header or body fails here.
describe('the cURL samples, run with curl', () => {
  type Recorded = { method: string; url: string; headers: IncomingMessage['headers']; body: string };
  const received: Recorded[] = [];
  let origin = '';
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      // The name is only read by samples that save the answer as a file.
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Disposition': 'attachment; filename="answer.zip"',
      });
      response.end('{}');
    });
  });

  beforeAll(async () => {
    ensureCurl();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 300_000);
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const serverUrl = bundle.servers[0].url.replace(
    /\{(\w+)\}/g,
    (_: string, name: string) => bundle.servers[0].variables[name].default,
  );

  it.each(operations.map((op) => [op.operationId, op] as const))('%s sends the documented request', async (_, op) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', [TOKEN_VARIABLE]: 'sample-token' };
    let expectedPath = op.path;
    for (const parameter of op.parameters.filter((p) => p.in === 'path')) {
      env[shellVariable(parameter.name)] = parameter.example;
      expectedPath = expectedPath.replace(`{${parameter.name}}`, parameter.example);
    }
    const script = curlSample(bundle, op);
    expect(script).toContain(serverUrl);
    const cwd = mkdtempSync(join(tmpdir(), 'curl-sample-'));
    try {
      received.length = 0;
      // Asynchronously: the recording server runs in this process. A failing curl rejects.
      const run = await promisify(execFile)('sh', ['-euc', script.replaceAll(serverUrl, origin)], {
        cwd,
        env,
        timeout: 15_000,
      });
      expect(run.stderr).toBe('');

      expect(received).toHaveLength(1);
      const [request] = received as [Recorded];
      expect(request.method).toBe(op.method.toUpperCase());
      expect(request.url).toBe(expectedPath);
      expect(request.headers.authorization).toBe('Bearer sample-token');
      const media = resolveRef(bundle, op.operation.requestBody)?.content?.['application/json'];
      if (media) {
        expect(request.headers['content-type']).toBe('application/json');
        const firstExample = resolveRef(bundle, Object.values<object>(media.examples)[0]);
        expect(JSON.parse(request.body)).toEqual(firstExample?.value);
      } else {
        expect(request.body).toBe('');
      }
      // File answers are saved under the server's name; JSON answers go to stdout.
      if (script.includes('--remote-header-name')) {
        expect(readdirSync(cwd)).toEqual(['answer.zip']);
      } else {
        expect(run.stdout).toBe('{}');
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
