// The public surface, as published: the exact exports of both entry points, in both formats.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as source from './index.js';
import * as nodeSource from './node.js';
import * as otelSource from './otel.js';
import * as rawSource from './raw.js';

const require = createRequire(import.meta.url);
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).pathname;

const API = [
  'ApiError',
  'ConfigurationError',
  'InvalidArgumentError',
  'MiddlewareError',
  'MindzieError',
  'NetworkError',
  'NotFoundError',
  'RateLimitError',
  'ServerError',
  'TimeoutError',
  'UnauthorizedError',
  'actionErrorErrorValues',
  'actionExecutionStatusValues',
  'blockErrorErrorValues',
  'blockExecutionStatusValues',
  'connectionSettings',
  'createClient',
  'executionErrorErrorValues',
  'parseServerTime',
  'resolveConnectionSettings',
];

describe('public surface', () => {
  it('src/index.ts exports exactly the documented API (an addition shows up here in review)', () => {
    expect(Object.keys(source).sort()).toEqual(API);
    expect(Object.keys(nodeSource)).toEqual(['downloadPackageToFile']);
    expect(Object.keys(rawSource)).toEqual(['createRawClient']);
    expect(Object.keys(otelSource)).toEqual(['tracingMiddleware']);
  });

  it('a client has exactly the task methods, and use/eject for middleware (the raw client: its own entry)', () => {
    const client = source.createClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 't0ken-value',
      tenantId: '12345678-1234-1234-1234-123456789012',
      projectId: '87654321-4321-4321-4321-210987654321',
    });
    const taskMethods = [
      'downloadPackage',
      'executeAction',
      'executeBlock',
      'getActionExecution',
      'getBlockResults',
      'getLastActionExecution',
      'listActionExecutions',
    ];
    expect(Object.keys(client).sort()).toEqual([...taskMethods, 'eject', 'use'].sort());
    expect(typeof source.createClient.fromEnv).toBe('function');
  });

  it('exports the enum values generated from the contract', () => {
    expect(source.actionExecutionStatusValues).toEqual(['Queued', 'Running', 'Completed', 'Failed']);
    expect(source.blockExecutionStatusValues).toEqual(['Queued', 'Running', 'Success', 'Failed', 'Cancelled']);
  });

  it('the error classes form one hierarchy', () => {
    const { MindzieError, ApiError, NetworkError } = source;
    for (const Class of [source.UnauthorizedError, source.NotFoundError, source.RateLimitError, source.ServerError]) {
      expect(Class.prototype).toBeInstanceOf(ApiError);
    }
    expect(source.TimeoutError.prototype).toBeInstanceOf(NetworkError);
    for (const Class of [ApiError, NetworkError, source.InvalidArgumentError]) {
      expect(Class.prototype).toBeInstanceOf(MindzieError);
    }
    expect(source.ConfigurationError.prototype).toBeInstanceOf(source.InvalidArgumentError);
    expect(MindzieError.prototype).toBeInstanceOf(Error);
  });

  // turbo runs `test` after `build`: the published files are checked, not only the sources.
  describe('the build', () => {
    // Every file an entry loads, following the relative imports of the build (its shared chunks).
    const loads = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) {
        return seen;
      }
      seen.add(file);
      for (const [, spec] of readFileSync(dist(file), 'utf8').matchAll(
        /(?:from |require\(|import\()\s*["']([^"']+)["']/g,
      )) {
        if (spec!.startsWith('./')) {
          loads(spec!.slice(2), seen);
        } else {
          seen.add(spec!);
        }
      }
      return seen;
    };

    it('ESM and CJS expose the same names', async () => {
      const esm = await import(dist('index.js'));
      const cjs = require(dist('index.cjs'));
      expect(Object.keys(esm).sort()).toEqual(API);
      expect(
        Object.keys(cjs)
          .filter((k) => k !== '__esModule')
          .sort(),
      ).toEqual(API);
    });

    it('Node and browsers load the same fetch-based build; only /node loads Node built-ins and undici', () => {
      const { exports, main } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
      const dot = exports['.'];
      expect(Object.keys(dot)).toEqual(['import', 'require']);
      expect([dot.import.default, dot.require.default, main]).toEqual([
        './dist/index.js',
        './dist/index.cjs',
        './dist/index.cjs',
      ]);
      const builtins = (entry: string) =>
        [...loads(entry)].filter((spec) => builtinModules.includes(spec.replace(/^node:/, '')));
      for (const entry of ['index.js', 'index.cjs', 'raw.js', 'raw.cjs']) {
        expect(builtins(entry), entry).toEqual([]);
        expect([...loads(entry)], entry).not.toContain('undici');
      }
      for (const entry of ['node.js', 'node.cjs']) {
        expect(builtins(entry), entry).toContain('fs');
        expect([...loads(entry)], entry).toContain('undici');
      }
    });

    it('every call goes through openapi-fetch: the main entry and /raw both load it', () => {
      for (const entry of ['index.js', 'index.cjs', 'raw.js', 'raw.cjs']) {
        expect([...loads(entry)], entry).toContain('openapi-fetch');
      }
      // Only the tracing entry loads the optional peer @opentelemetry/api.
      for (const entry of ['index.js', 'index.cjs', 'raw.js', 'raw.cjs', 'node.js', 'node.cjs']) {
        expect([...loads(entry)], entry).not.toContain('@opentelemetry/api');
      }
      expect([...loads('otel.js')]).toContain('@opentelemetry/api');
    });

    it('ESM and CJS of @mindzie/client/raw expose createRawClient, which throws the same error classes', async () => {
      const { createRawClient } = await import(dist('raw.js'));
      const cjs = require(dist('raw.cjs'));
      expect(Object.keys(cjs).filter((k) => k !== '__esModule')).toEqual(['createRawClient']);
      const { InvalidArgumentError } = await import(dist('index.js'));
      expect(() =>
        createRawClient({
          baseUrl: 'nope',
          token: 't0ken-value',
          tenantId: '12345678-1234-1234-1234-123456789012',
          projectId: '87654321-4321-4321-4321-210987654321',
        }),
      ).toThrow(InvalidArgumentError);
      expect(() => cjs.createRawClient({ baseUrl: 'nope' })).toThrow(require(dist('index.cjs')).InvalidArgumentError);
    });

    it.each([
      ['ESM', 'index.js', 'node.js'],
      ['CJS', 'index.cjs', 'node.cjs'],
    ])('%s: @mindzie/client/node throws the same error classes as @mindzie/client', async (_, main, node) => {
      const load = (file: string) => (file.endsWith('.cjs') ? require(dist(file)) : import(dist(file)));
      const { createClient, InvalidArgumentError } = await load(main);
      const { downloadPackageToFile } = await load(node);
      const client = createClient({
        baseUrl: 'http://127.0.0.1:9',
        token: 't0ken-value',
        tenantId: '12345678-1234-1234-1234-123456789012',
        projectId: '87654321-4321-4321-4321-210987654321',
      });
      // Thrown by the node entry's own code: with two copies of the errors this would fail.
      const error = await downloadPackageToFile(client, '11111111-2222-3333-4444-555555555555', {
        path: '/tmp/a.zip',
        directory: '/tmp',
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
    });
  });
});
