// The public surface, as published: the exact exports of both entry points, in both formats.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as source from './index.js';
import * as nodeSource from './node.js';

const require = createRequire(import.meta.url);
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).pathname;

const API = [
  'ApiError',
  'InvalidArgumentError',
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
  'createClient',
  'executionErrorErrorValues',
];

describe('public surface', () => {
  it('src/index.ts exports exactly the documented API (an addition shows up here in review)', () => {
    expect(Object.keys(source).sort()).toEqual(API);
    expect(Object.keys(nodeSource)).toEqual(['downloadPackageToFile']);
  });

  it('exports the enum values generated from the contract', () => {
    expect(source.actionExecutionStatusValues).toEqual(['Queued', 'Running', 'Completed', 'Failed']);
    expect(source.blockExecutionStatusValues).toEqual(['Queued', 'Running', 'Success', 'Failed', 'Cancelled']);
  });

  it('the error classes form one hierarchy', () => {
    const { MindzieError, ApiError, NetworkError } = source;
    for (const Class of [source.UnauthorizedError, source.NotFoundError, source.RateLimitError, source.ServerError]) expect(Class.prototype).toBeInstanceOf(ApiError);
    expect(source.TimeoutError.prototype).toBeInstanceOf(NetworkError);
    for (const Class of [ApiError, NetworkError, source.InvalidArgumentError]) expect(Class.prototype).toBeInstanceOf(MindzieError);
    expect(MindzieError.prototype).toBeInstanceOf(Error);
  });

  // turbo runs `test` after `build`: the published files are checked, not only the sources.
  describe('the build', () => {
    it('ESM and CJS expose the same names', async () => {
      const esm = await import(dist('index.js'));
      const cjs = require(dist('index.cjs'));
      expect(Object.keys(esm).sort()).toEqual(API);
      expect(Object.keys(cjs).filter((k) => k !== '__esModule').sort()).toEqual(API);
    });

    it.each([
      ['ESM', 'index.js', 'node.js'],
      ['CJS', 'index.cjs', 'node.cjs'],
    ])('%s: @mindzie/client/node throws the same error classes as @mindzie/client', async (_, main, node) => {
      const load = (file: string) => (file.endsWith('.cjs') ? require(dist(file)) : import(dist(file)));
      const { createClient, InvalidArgumentError } = await load(main);
      const { downloadPackageToFile } = await load(node);
      const client = createClient({ baseUrl: 'http://127.0.0.1:9', token: 't0ken-value', tenantId: '12345678-1234-1234-1234-123456789012', projectId: '87654321-4321-4321-4321-210987654321' });
      // Thrown by the node entry's own code: with two copies of the errors this would fail.
      const error = await downloadPackageToFile(client, '11111111-2222-3333-4444-555555555555', { path: '/tmp/a.zip', directory: '/tmp' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
    });
  });
});
