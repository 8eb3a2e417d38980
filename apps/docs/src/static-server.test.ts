import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from './static-server.mjs';

const root = mkdtempSync(join(tmpdir(), 'static-server-'));
let server: Awaited<ReturnType<typeof startStaticServer>>;

beforeAll(async () => {
  mkdirSync(join(root, 'site'));
  writeFileSync(join(root, 'site', 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'site', 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'secret.txt'), 'outside the root');
  server = await startStaticServer({ root: join(root, 'site') });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw request, so paths reach the server exactly as written (no client-side normalising). */
const get = (path: string, method = 'GET') =>
  new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('the static server', () => {
  it('listens on a free port of 127.0.0.1', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves index.html for the root and files with their content type', async () => {
    expect(await get('/')).toEqual({ status: 200, type: 'text/html;charset=utf-8', body: '<h1>home</h1>' });
    expect(await get('/logo.svg?v=1')).toMatchObject({ status: 200, type: 'image/svg+xml', body: '<svg/>' });
    expect(await get('/', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('answers 404 for missing files and never serves a file outside its root', async () => {
    expect((await get('/missing.html')).status).toBe(404);
    for (const path of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/site/..%5c..%5csecret.txt',
      '/%00',
    ]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain('outside the root');
    }
    for (const path of ['/..%2f..%2fetc%2fpasswd', '/%E0%A4%A']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('rewrites nothing: a path that is no file is a 404, not the index page', async () => {
    for (const path of ['/section/authentication', '/actions', '/site/index.html/x']) {
      expect(await get(path), path).toMatchObject({ status: 404, body: 'Not found\n' });
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
  });
});
