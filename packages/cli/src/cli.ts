// The `mindzie` bin: wires the process (argv, streams, environment, Ctrl-C) to runCli.
import { runCli } from './run.js';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C stops the wait cleanly (runCli reports which execution); a second one is final.
  if (interrupt.signal.aborted) {
    process.exit(130);
  }
  interrupt.abort(new Error('Interrupted (Ctrl-C)'));
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
  cwd: process.cwd(),
});
