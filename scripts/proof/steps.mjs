// Small helpers of the publish proof: run a command (output kept, shown on failure),
// time a step, and fail with a message that says what was wrong.
import { spawn } from 'node:child_process';

/**
 * Runs cmd and resolves with its output; rejects with the output when it exits non-zero.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} options
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
export function run(cmd, args, { cwd, env = process.env, timeoutMs = 10 * 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout, stderr });
      } else {
        reject(
          new Error(
            `\`${[cmd, ...args].join(' ')}\` failed (${code ?? signal}):\n` +
              `${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
          ),
        );
      }
    });
  });
}

/** @type {Array<{ name: string, seconds: number }>} */
export const timings = [];

/**
 * Runs one named step, prints it with its duration, and records the duration.
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function step(name, body) {
  const started = performance.now();
  try {
    const result = await body();
    const seconds = (performance.now() - started) / 1000;
    timings.push({ name, seconds });
    console.log(`  ✓ ${name} (${seconds.toFixed(1)} s)`);
    return result;
  } catch (error) {
    console.log(`  ✗ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    throw error;
  }
}

/** @param {unknown} condition @param {string} message */
export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}
