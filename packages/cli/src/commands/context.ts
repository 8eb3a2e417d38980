import { createClient, type MindzieClient } from '@mindzie/client';
import { parseDuration } from '../args.js';
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
  /** Set when a run that executes stopped before anything ran (the token refused before or at execute). */
  nothingExecuted?: true | undefined;
  /** Set when execute's answer was lost and its execution was found in the history. */
  adopted?: { adopted: true; recoveredFrom: { name: string; message: string } } | undefined;
}

export interface CommandContext {
  output: Output;
  client: MindzieClient;
  signal: AbortSignal;
  cwd: string;
  state: RunState;
  /** Off a terminal, the longest silence while a wait runs: a status line at least this often (MINDZIE_HEARTBEAT). */
  heartbeatMs: number;
}

/** CI services kill a job that prints nothing for 10 minutes; a line a minute keeps well clear of that. */
export const DEFAULT_HEARTBEAT_MS = 60_000;

/** Output first (so a missing setting is reported in the chosen format), then settings, then the client. */
export function commandContext(
  io: CliIo,
  state: RunState,
  globals: GlobalOptions,
  signal: AbortSignal,
): CommandContext {
  const output = new Output(io, globals.json);
  state.output = output;
  // Read before anything is sent, like every option: a bad value exits 2 before an execute.
  const heartbeat = io.env.MINDZIE_HEARTBEAT?.trim();
  const heartbeatMs = heartbeat ? parseDuration(heartbeat, 'MINDZIE_HEARTBEAT') : DEFAULT_HEARTBEAT_MS;
  const settings = resolveSettings(globals, io.env);
  output.redact(settings.token);
  const client = createClient({ ...settings, userAgent: `@mindzie/cli/${VERSION}` });
  return { output, client, signal, cwd: io.cwd ?? process.cwd(), state, heartbeatMs };
}
