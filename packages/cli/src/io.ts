/** A stream the CLI writes to; `isTTY` decides between live rendering and plain lines. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** Everything the CLI touches of its process: injected so tests and the demo can run it in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C (the bin wires SIGINT to it). */
  signal?: AbortSignal | undefined;
  /** The working directory relative download paths resolve against. */
  cwd?: string | undefined;
}
