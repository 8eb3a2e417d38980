// One worker process of the fleet tests and benchmark (run with fork): waits for the
// executions it is given through a Redis coordinator (or alone, without `redisPort`), and
// tells its parent over IPC about every status request it sends, every status change it
// sees, fallbacks, rejoins and each wait's outcome; `{ abort: executionId }` aborts that wait.
// Uses the built package (dist), and the ioredis it is told (`ioredis`, or `ioredis6` for 6.x).
// Its Redis client is made as the README shows (no 'error' listener of its own).
import { createClient } from '@mindzie/client';
import { createLimiter, waitForActionExecution } from '@mindzie/poller';
import { createRedisCoordinator } from '@mindzie/poller/redis';

const send = (message) => process.send?.(message);
process.on('disconnect', () => process.exit(0)); // the parent is gone: never linger

// First message: the configuration (it answers `ready` once connected); second: the waits.
const messages = [];
let deliver;
const aborts = new Map();
process.on('message', (message) => {
  if (message.abort !== undefined) {
    aborts.get(message.abort)?.();
    return;
  }
  deliver ? deliver(message) : messages.push(message);
});
const next = () =>
  messages.length
    ? Promise.resolve(messages.shift())
    : new Promise((resolve) => {
        deliver = (m) => {
          deliver = undefined;
          resolve(m);
        };
      });

void next().then(async (config) => {
  const {
    name,
    api,
    redisPort,
    fleet = {},
    wait = {},
    report = 'all',
    limiter,
    ioredis = 'ioredis',
    keepOpen,
  } = config;
  // Without Redis: this process's own limiter, as a process alone would have.
  const ownLimiter = limiter === undefined ? undefined : createLimiter(limiter);
  let requests = 0;
  let coordinator;
  const client = createClient({
    ...api,
    maxRetries: 0,
    // Every status request this process sends, as it leaves (the sandbox logs its arrival).
    fetch(url, init) {
      requests += 1;
      if (report === 'all') {
        send({
          type: 'request',
          name,
          path: new URL(url instanceof Request ? url.url : String(url)).pathname,
          at: Date.now(),
          connected: coordinator?.connected,
        });
      }
      return fetch(url, init);
    },
  });
  let redis;
  if (redisPort !== undefined) {
    const { Redis } = await import(ioredis);
    redis = new Redis({ port: redisPort, host: '127.0.0.1' });
    coordinator = createRedisCoordinator({
      redis,
      tenantId: api.tenantId,
      projectId: api.projectId,
      ...fleet,
      onFallback: (error) =>
        send({ type: 'fallback', name, message: error.message, at: Date.now(), connected: coordinator.connected }),
      onRejoin: () => send({ type: 'rejoin', name, at: Date.now(), connected: coordinator.connected }),
    });
  }
  send({ type: 'ready', name });
  const { waits } = await next();
  const started = Date.now();
  const wakeUps = [];
  await Promise.all(
    waits.map(async ({ executionId, timeoutMs, abortAfterMs }) => {
      const controller = new AbortController();
      const reason = Object.assign(new Error('aborted by the test'), { name: 'AbortedByTest' });
      if (abortAfterMs !== undefined) {
        setTimeout(() => controller.abort(reason), abortAfterMs);
      }
      aborts.set(executionId, () => controller.abort(reason));
      const signal = controller.signal;
      try {
        const execution = await waitForActionExecution(client, executionId, {
          ...wait,
          limiter: ownLimiter,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          signal,
          coordinator,
          onStatusChange: (value) => wakeUps.push({ executionId, status: value.status, at: Date.now() }),
        });
        send({ type: 'result', name, executionId, status: execution.status, at: Date.now() });
      } catch (error) {
        send({
          type: 'result',
          name,
          executionId,
          error: error?.name ?? String(error),
          status: error?.execution?.status,
          at: Date.now(),
        });
      }
    }),
  );
  const elapsedMs = Date.now() - started;
  if (keepOpen) {
    // The coordinator stays open (as in a long-lived process) until the parent says `close`.
    send({ type: 'done', name, requests, elapsedMs, wakeUps: [] });
    await next();
  }
  await coordinator?.close();
  redis?.disconnect();
  if (!keepOpen) {
    send({ type: 'done', name, requests, elapsedMs, wakeUps: report === 'all' ? [] : wakeUps });
  }
});
