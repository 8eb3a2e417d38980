import { CommanderError } from 'commander';
import type { RunState } from './commands/context.js';
import { UsageError } from './errors.js';
import { exitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { buildProgram } from './program.js';
import { reportError } from './report.js';

/**
 * Runs one `mindzie` command line (without the `node mindzie` prefix) and answers its
 * exit code. Never calls `process.exit`, so it can run in-process (tests, the demo).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Until the options are parsed, guess the output format from the raw arguments.
  const state: RunState = { output: new Output(io, jsonFlag(argv)) };
  const program = buildProgram(io, state, io.signal ?? new AbortController().signal);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode('success');
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and --version end this way too, successfully; commander already wrote its message.
      if (error.exitCode === 0) {
        return exitCode('success');
      }
      const usage = new UsageError('arguments', error.message.replace(/^error: /, ''));
      return reportError(usage, state, { humanAlreadyShown: true });
    }
    return reportError(error, state);
  }
}

function jsonFlag(argv: readonly string[]): boolean | undefined {
  const on = argv.lastIndexOf('--json');
  const off = argv.lastIndexOf('--no-json');
  return on === off ? undefined : on > off;
}
