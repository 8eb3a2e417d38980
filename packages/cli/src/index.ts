// @mindzie/cli: the `mindzie` bin, and the same commands for running in-process.

export { InterruptedError, MissingSettingError, UsageError } from './errors.js';
export type { ExitName } from './exit-codes.js';
export { exitCodes } from './exit-codes.js';
export type { CliIo, OutputStream } from './io.js';
export { runCli } from './run.js';
