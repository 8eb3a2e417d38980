// Runs the built `mindzie` bin as a real process, the way a shell or CI would.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const mindzieBin = fileURLToPath(new URL('../../bin/mindzie.js', import.meta.url));

export interface MindzieRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningMindzie {
  child: ChildProcess;
  /** Resolves once stderr has printed text matching `pattern`. */
  stderrMatches(pattern: RegExp): Promise<RegExpMatchArray>;
  done: Promise<MindzieRun>;
}

/** Starts `mindzie ARGS` with exactly `env` (plus PATH), stdout and stderr piped (so not a terminal). */
export function startMindzie(args: string[], env: Record<string, string | undefined>, cwd?: string): RunningMindzie {
  const child = spawn(process.execPath, [mindzieBin, ...args], {
    env: { PATH: process.env.PATH, ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  const done = new Promise<MindzieRun>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    stderrMatches: (pattern) =>
      new Promise((resolve, reject) => {
        const match = stderr.match(pattern);
        if (match) {
          return resolve(match);
        }
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`mindzie ended before stderr matched ${pattern}:\n${stderr}`)));
      }),
  };
}

export function mindzie(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<MindzieRun> {
  return startMindzie(args, env, cwd).done;
}
