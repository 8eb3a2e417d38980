import { createClient, type MindzieClient } from '@mindzie/client';
import { type ConnectionFlags, resolveSettings } from '../config.js';
import type { CliIo } from '../io.js';
import { Output } from '../output.js';
import { VERSION } from '../version.js';

/** The global options every command receives (commander's `optsWithGlobals()`). */
export interface GlobalOptions extends ConnectionFlags {
  json?: boolean | undefined;
}

/** What one run knows about the execution in flight, so an error can name it and say how to resume. */
export interface RunState {
  output: Output;
  executionId?: string | undefined;
  /** The command that carries on from here (e.g. `mindzie execution wait <id>`). */
  resume?: string | undefined;
  /** What to check before trying again, when an execute may have been received without an answer. */
  hint?: string | undefined;
  /** The last execution seen, when the run saw one (put beside the error in `--json`). */
  execution?: unknown;
  /** Set when execute's answer was lost and its execution was found in the history. */
  adopted?: { adopted: true; recoveredFrom: { name: string; message: string } } | undefined;
}

export interface CommandContext {
  output: Output;
  client: MindzieClient;
  signal: AbortSignal;
  cwd: string;
  state: RunState;
}

/** Output first (so a missing setting is reported in the chosen format), then settings, then the client. */
export function commandContext(
  io: CliIo,
  state: RunState,
  globals: GlobalOptions,
  signal: AbortSignal,
): CommandContext {
  const output = new Output(io, globals.json);
  state.output = output;
  const settings = resolveSettings(globals, io.env);
  output.redact(settings.token);
  const client = createClient({ ...settings, userAgent: `@mindzie/cli/${VERSION}` });
  return { output, client, signal, cwd: io.cwd ?? process.cwd(), state };
}
