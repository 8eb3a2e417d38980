// @mindzie/cli: the `mindzie` bin, and the same commands for running in-process.
export { runCli } from './run.js';
export type { CliIo, OutputStream } from './io.js';
export { exitCodes } from './exit-codes.js';
export type { ExitName } from './exit-codes.js';
export { UsageError, MissingSettingError, InterruptedError } from './errors.js';
