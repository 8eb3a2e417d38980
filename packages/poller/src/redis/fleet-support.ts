// Child-process workers and a sandbox for the fleet tests (not part of the package's API).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Fixture, type Sandbox, startSandbox } from '@mindzie/sandbox';

export const ACTIONS = {
  slow: 'a0000000-0000-4000-8000-00000000f001',
  fails: 'a0000000-0000-4000-8000-00000000f002',
  /** Runs for an hour: the tests end it when they are done with it (admin.advanceTime). */
  long: 'a0000000-0000-4000-8000-00000000f003',
} as const;

/** The sandbox time that ends a `long` execution. */
export const LONG_MS = 60 * 60_000;

/** A sandbox with three actions: one that completes after `slowMs`, one that fails after 2 s, one after an hour. */
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
              {
                actionId: ACTIONS.long,
                name: 'long',
                outcome: 'Completed',
                queuedMs: 0,
                durationMs: LONG_MS,
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
  | { type: 'ready'; name: string }
  | { type: 'rejoin'; name: string; at: number; connected: boolean }
  /** `connected`: the coordinator's, as the request left (undefined without one). */
  | { type: 'request'; name: string; path: string; at: number; connected?: boolean }
  | { type: 'fallback'; name: string; message: string; at: number; connected: boolean }
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
  /** What it printed to stderr (also passed on to this process's). */
  stderr: string[];
  /** Resolves when the worker sent `done`, rejects if it exits before. */
  done: Promise<Extract<WorkerEvent, { type: 'done' }>>;
  ready: Promise<void>;
  /** Sends the waits (after `ready`): `[{ executionId, timeoutMs?, abortAfterMs? }]`. */
  begin(waits: Array<{ executionId: string; timeoutMs?: number; abortAfterMs?: number }>): void;
  /** Aborts its waits for that execution. */
  abort(executionId: string): void;
  /** Closes its coordinator (a worker started with `keepOpen` keeps it open after its waits). */
  close(): void;
}

const workerFile = fileURLToPath(new URL('./fleet-worker.mjs', import.meta.url));

/** Forks a worker and sends it its configuration (see fleet-worker.mjs). */
export function startWorker(config: Record<string, unknown> & { name: string }): Worker {
  const child = fork(workerFile, [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced' });
  const events: WorkerEvent[] = [];
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr.push(text);
    process.stderr.write(text);
  });
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
  return {
    name: config.name,
    child,
    events,
    stderr,
    done,
    ready,
    begin: (waits) => child.send({ waits }),
    abort: (executionId) => child.send({ abort: executionId }),
    close: () => child.send({ close: true }),
  };
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

/**
 * Who sent the status requests of one execution, in the order they were sent; `throughFleet`:
 * only those sent while the process's coordinator was connected (not its local polls while Redis was away).
 */
export function pollersOf(
  workers: Worker[],
  executionId: string,
  throughFleet = false,
): Array<{ name: string; at: number }> {
  return workers
    .flatMap((w) => w.events)
    .filter(
      (e): e is Extract<WorkerEvent, { type: 'request' }> =>
        e.type === 'request' && e.path.endsWith(`/${executionId}`) && !(throughFleet && e.connected === false),
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
