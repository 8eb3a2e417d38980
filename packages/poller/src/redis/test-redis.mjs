// A real redis-server for the Redis coordinator's tests and the fleet benchmark (not part of the
// package's API): Debian's package, installed when missing (as the docs' tests install Chromium),
// started on a free port of 127.0.0.1 with a throw-away directory and no persistence, stopped
// afterwards. Plain JavaScript so the benchmark runs it without a build; types in test-redis.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** Installs Debian's redis-server with apt-get when it is missing (needs root, as CI runs). */
export function ensureRedisServer() {
  if (existsSync(REDIS_SERVER)) {
    return REDIS_SERVER;
  }
  const steps = [
    ['apt-get', ['update']],
    ['apt-get', ['install', '-y', '--no-install-recommends', 'redis-server']],
  ];
  const command = steps.map(([cmd, args]) => [cmd, ...args].join(' ')).join(' && ');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${REDIS_SERVER} is missing and installing it needs root: run \`${command}\``);
  }
  for (const [cmd, args] of steps) {
    const result = spawnSync(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
    if (result.status !== 0) {
      throw new Error(
        `\`${[cmd, ...args].join(' ')}\` failed (${result.status ?? result.signal}): ` +
          String(result.stderr).slice(-2000),
      );
    }
  }
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`apt-get installed redis-server but ${REDIS_SERVER} is still missing`);
  }
  return REDIS_SERVER;
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts redis-server on a free port of 127.0.0.1; resolves once it answers PING. */
export async function startRedis(port) {
  ensureRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'mindzie-redis-'));
  const chosen = port ?? (await freePort());
  let child;
  const server = {
    port: chosen,
    async start() {
      child = spawn(
        REDIS_SERVER,
        ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: 'ignore' },
      );
      await untilPing(chosen, child);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) {
        return;
      }
      const ended = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await ended;
    },
    /** Freezes redis-server (SIGSTOP): connections stay open, nothing is answered until resume(). */
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

async function untilPing(port, child) {
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode}) before answering on port ${port}`);
    }
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') {
        return;
      }
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > until) {
      throw new Error(`redis-server did not answer on port ${port} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
