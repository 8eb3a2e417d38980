// Child-process workers and a sandbox for the fleet tests (not part of the package's API).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Fixture, type Sandbox, startSandbox } from '@mindzie/sandbox';

export const ACTIONS = {
  slow: 'a0000000-0000-4000-8000-00000000f001',
  fails: 'a0000000-0000-4000-8000-00000000f002',
} as const;

/** A sandbox with two actions: one that completes after `slowMs`, one that fails after 2 s. */
export function fleetSandbox(slowMs: number): Promise<Sandbox> {
  const fixture: Fixture = {
    tenants: [
      {
        tenantId: '10000000-0000-4000-8000-000000000001',
        tokens: ['fleet-token'],
        projects: [
          {
            projectId: '20000000-0000-4000-8000-000000000001',
            actions: [
              {
                actionId: ACTIONS.slow,
                name: 'slow',
                outcome: 'Completed',
                queuedMs: 300,
                durationMs: slowMs,
                package: [{ path: 'x.txt', text: 'x' }],
              },
              {
                actionId: ACTIONS.fails,
                name: 'fails',
                outcome: 'Failed',
                queuedMs: 200,
                durationMs: 2_000,
                notes: 'broken on purpose',
              },
            ],
            blocks: [],
          },
        ],
      },
    ],
  };
  return startSandbox({ port: 0, fixture });
}

export type WorkerEvent =
  | { type: 'ready' | 'rejoin'; name: string; at?: number }
  | { type: 'request'; name: string; path: string; at: number }
  | { type: 'fallback'; name: string; message: string; at: number }
  | { type: 'result'; name: string; executionId: string; status?: string; error?: string; at: number }
  | {
      type: 'done';
      name: string;
      requests: number;
      elapsedMs: number;
      wakeUps: Array<{ executionId: string; status: string; at: number }>;
    };

export interface Worker {
  name: string;
  child: ChildProcess;
  events: WorkerEvent[];
  /** Resolves when the worker sent `done`, rejects if it exits before. */
  done: Promise<Extract<WorkerEvent, { type: 'done' }>>;
  ready: Promise<void>;
  /** Sends the waits (after `ready`): `[{ executionId, timeoutMs?, abortAfterMs? }]`. */
  begin(waits: Array<{ executionId: string; timeoutMs?: number; abortAfterMs?: number }>): void;
}

const workerFile = fileURLToPath(new URL('./fleet-worker.mjs', import.meta.url));

/** Forks a worker and sends it its configuration (see fleet-worker.mjs). */
export function startWorker(config: Record<string, unknown> & { name: string }): Worker {
  const child = fork(workerFile, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const events: WorkerEvent[] = [];
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<Extract<WorkerEvent, { type: 'done' }>>((resolve, reject) => {
    child.on('message', (event: WorkerEvent) => {
      events.push(event);
      if (event.type === 'ready') {
        onReady();
      }
      if (event.type === 'done') {
        resolve(event);
      }
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`worker ${config.name} exited (${code ?? signal}) before it was done`)),
    );
  });
  done.catch(() => {}); // a worker killed on purpose
  child.send(config);
  return { name: config.name, child, events, done, ready, begin: (waits) => child.send({ waits }) };
}

/** Kills what is still running and waits for it to end. */
export async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) {
        return undefined;
      }
      const ended = new Promise((resolve) => w.child.once('exit', resolve));
      w.child.kill('SIGKILL');
      return ended;
    }),
  );
}

/** Who sent the status requests of one execution, in the order they were sent. */
export function pollersOf(workers: Worker[], executionId: string): Array<{ name: string; at: number }> {
  return workers
    .flatMap((w) => w.events)
    .filter(
      (e): e is Extract<WorkerEvent, { type: 'request' }> => e.type === 'request' && e.path.endsWith(`/${executionId}`),
    )
    .sort((a, b) => a.at - b.at)
    .map(({ name, at }) => ({ name, at }));
}

/** How often the poller of an execution changed from one process to another. */
export function handovers(pollers: Array<{ name: string }>): number {
  let changes = 0;
  for (let i = 1; i < pollers.length; i++) {
    if (pollers[i]!.name !== pollers[i - 1]!.name) {
      changes += 1;
    }
  }
  return changes;
}

/** True when no process polled it again after another one did (one poller at a time, handovers allowed). */
export function takesTurns(pollers: Array<{ name: string }>): boolean {
  const done = new Set<string>();
  for (let i = 1; i < pollers.length; i++) {
    const previous = pollers[i - 1]!.name;
    if (pollers[i]!.name === previous) {
      continue;
    }
    done.add(previous);
    if (done.has(pollers[i]!.name)) {
      return false;
    }
  }
  return true;
}
