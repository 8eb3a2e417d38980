// A throw-away Verdaccio: its own config and storage in a temporary folder, on a free port
// of 127.0.0.1, no uplink (it holds only what the proof publishes), one user whose token
// the publish uses. close() stops it and removes the folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (!address || typeof address === 'string') {
    throw new Error('no free port');
  }
  return address.port;
}

const config = (/** @type {string} */ dir) => `storage: ${join(dir, 'storage')}
auth:
  htpasswd:
    file: ${join(dir, 'htpasswd')}
    max_users: 1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
log: { type: stdout, format: pretty, level: warn }
`;

/**
 * @param {{ bin: string }} options the verdaccio bin (run with this Node)
 * @returns {Promise<{ url: string, token: string, close: () => Promise<void> }>}
 */
export async function startVerdaccio({ bin }) {
  const dir = mkdtempSync(join(tmpdir(), 'mindzie-verdaccio-'));
  writeFileSync(join(dir, 'config.yaml'), config(dir));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(process.execPath, [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VERDACCIO_HANDLE_KILL_SIGNALS: 'true' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await once(child, 'exit');
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(url, child, () => output);
    return { url, token: await addUser(url), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** @param {string} url @param {import('node:child_process').ChildProcess} child @param {() => string} output */
async function waitUntilAnswering(url, child, output) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`verdaccio exited (${child.exitCode}): ${output()}`);
    }
    const ping = await fetch(new URL('-/ping', url)).catch(() => undefined);
    if (ping?.ok) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`verdaccio did not answer within 120 s: ${output()}`);
}

/** Registers the proof's one user (npm's adduser request) and returns its token. */
async function addUser(/** @type {string} */ url) {
  const name = 'proof';
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `proof-${process.pid}-${Date.now()}` }),
  });
  const body = /** @type {{ token?: string }} */ (await response.json());
  if (!response.ok || !body.token) {
    throw new Error(`verdaccio refused the user (${response.status})`);
  }
  return body.token;
}
