// Helpers shared by the sandbox's own tests (not part of the package's API).
import { type Entry, fromBufferPromise } from 'yauzl';
import type { Sandbox } from './index.ts';

/** Plain-fetch access to one sandbox's API as its default tenant. */
export function apiOf(sandbox: Sandbox, token = sandbox.token) {
  const root = `${sandbox.baseUrl}/api/${sandbox.tenantId}/${sandbox.projectId}`;
  const headers = { authorization: `Bearer ${token}` };
  return {
    root,
    get: (path: string, init: RequestInit = {}) =>
      fetch(`${root}${path}`, { ...init, headers: { ...headers, ...init.headers } }),
    post: (path: string, body?: unknown, init: RequestInit = {}) =>
      fetch(`${root}${path}`, {
        ...init,
        method: 'POST',
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

/** A seeded action or block of the default fixture, by name. */
export function seeded<T extends { name: string }>(items: T[], name: string): T {
  const item = items.find((candidate) => candidate.name === name);
  if (!item) {
    throw new Error(`The fixture has nothing named ${name}`);
  }
  return item;
}

/** The files of a ZIP, by name (yauzl reads and checks it whole). */
export async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await fromBufferPromise(bytes);
  const files = new Map<string, Buffer>();
  const nextEntry = () =>
    new Promise<Entry | undefined>((resolve, reject) => {
      zip
        .once('entry', resolve)
        .once('end', () => resolve(undefined))
        .once('error', reject);
      zip.readEntry();
    });
  for (let entry = await nextEntry(); entry; entry = await nextEntry()) {
    zip.removeAllListeners();
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) {
      chunks.push(chunk as Buffer);
    }
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  return files;
}
