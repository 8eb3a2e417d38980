import { reconcileDefaults, waitDefaults } from '@mindzie/poller';
import { type Command, Option } from 'commander';
import { collectParam, parseDuration } from './args.js';
import { MindzieCommand } from './command.js';
import { type CommandContext, commandContext, type RunState } from './commands/context.js';
import { settings } from './config.js';
import { exitCodesHelp } from './exit-codes.js';
import type { CliIo } from './io.js';
import { VERSION } from './version.js';

// Each command's module is imported when one of its commands runs, never before.
const actionModule = () => import('./commands/action.js');
const executionModule = () => import('./commands/execution.js');
const blockModule = () => import('./commands/block.js');

/** `--timeout` for every command that waits. */
const timeoutOption = () =>
  new Option(
    '--timeout <duration>',
    `give up waiting after this long: 90 (seconds), 30s, 10m, 1h (default: ${waitDefaults.timeoutMs / 60_000} min)`,
  ).argParser((value: string) => parseDuration(value));

/** `--no-reconcile` for every command that executes. */
const noReconcileOption = () =>
  new Option(
    '--no-reconcile',
    "if execute's answer is lost, do not look for the execution it may have created (exit 7 instead)",
  );

/** `--reconcile-window`: how long to look, in `searched`, for the execution a lost answer may have created. */
const reconcileWindowOption = (searched: string) =>
  new Option(
    '--reconcile-window <duration>',
    `how long to look for that execution in ${searched} (default: ${reconcileDefaults.windowMs / 1_000}s)`,
  ).argParser((value: string) => parseDuration(value, '--reconcile-window'));

const environmentHelp = [
  'Settings (a flag wins over its environment variable):',
  ...settings.map((setting) => `  ${setting.flag.padEnd(14)}${setting.env.padEnd(21)}${setting.what}`),
].join('\n');

/**
 * Every command, registered in one place. Commander parses and validates; each action
 * loads its command's module and calls it with a context built from the global options.
 */
export function buildProgram(io: CliIo, state: RunState, signal: AbortSignal): Command {
  const context = (command: Command): CommandContext => commandContext(io, state, command.optsWithGlobals(), signal);
  const program = new MindzieCommand('mindzie')
    .description('Run mindzieStudio actions and blocks, wait for them, download their packages.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .option('--base-url <url>', 'the mindzieStudio server (env MINDZIE_BASE_URL)')
    .option('--token <token>', 'API token (env MINDZIE_TOKEN; prefer the environment)')
    .option('--tenant-id <guid>', 'tenant id (env MINDZIE_TENANT_ID)')
    .option('--project-id <guid>', 'project id (env MINDZIE_PROJECT_ID)')
    .option('--json', 'print one JSON document on stdout (the default when stdout is not a terminal)')
    .option('--no-json', 'print readable text even when stdout is not a terminal')
    .addHelpText('after', `\n${environmentHelp}\n\n${exitCodesHelp()}\n`);

  const action = program.command('action').description('Run an action and read its executions.');
  action
    .command('run')
    .description('Execute an action (once), optionally wait for it and download its package.')
    .argument('<actionId>', 'the action GUID')
    .option('--wait', 'wait until the execution completes or fails')
    .addOption(timeoutOption())
    .option(
      '--download [path]',
      'after completion, save the package to a file or directory (implies --wait; default: the current directory)',
    )
    .option('--overwrite', 'replace an existing file when downloading')
    .addOption(noReconcileOption())
    .addOption(reconcileWindowOption("the action's history"))
    .action(async (actionId: string, options, command: Command) =>
      (await actionModule()).actionRun(context(command), actionId, options),
    );
  action
    .command('history')
    .alias('executions')
    .description("List an action's executions.")
    .argument('<actionId>', 'the action GUID')
    .action(async (actionId: string, _options, command: Command) =>
      (await actionModule()).actionHistory(context(command), actionId),
    );
  action
    .command('last')
    .description("Show an action's most recent execution.")
    .argument('<actionId>', 'the action GUID')
    .action(async (actionId: string, _options, command: Command) =>
      (await actionModule()).actionLast(context(command), actionId),
    );

  const execution = program.command('execution').description('Show, wait for and download one action execution.');
  execution
    .command('show')
    .description('Show one action execution.')
    .argument('<executionId>', 'the execution GUID')
    .action(async (executionId: string, _options, command: Command) =>
      (await executionModule()).executionShow(context(command), executionId),
    );
  execution
    .command('wait')
    .description('Wait for an action execution that is already running (never executes anything).')
    .argument('<executionId>', 'the execution GUID')
    .addOption(timeoutOption())
    .action(async (executionId: string, options, command: Command) =>
      (await executionModule()).executionWait(context(command), executionId, options),
    );
  execution
    .command('download')
    .description("Download an execution's result package (ZIP).")
    .argument('<executionId>', 'the execution GUID')
    .option('-o, --output <path>', 'file or directory to save to (default: the current directory, named by the server)')
    .option('--overwrite', 'replace an existing file')
    .action(async (executionId: string, options, command: Command) =>
      (await executionModule()).executionDownload(context(command), executionId, options),
    );

  const block = program.command('block').description('Run a block and read its executions.');
  block
    .command('run')
    .description('Execute a block (once) with run-time parameters, optionally waiting for it.')
    .argument('<blockId>', 'the block GUID')
    .option(
      '-p, --param <key=value>',
      'a run-time parameter, repeatable; the value is JSON when it parses, else text',
      collectParam,
    )
    .option('--wait', "wait until the execution ends (polls the block's results)")
    .addOption(timeoutOption())
    .addOption(noReconcileOption())
    .addOption(reconcileWindowOption("the block's results"))
    .action(async (blockId: string, options, command: Command) =>
      (await blockModule()).blockRun(context(command), blockId, options),
    );
  block
    .command('wait')
    .description('Wait for a block execution that is already queued or running.')
    .argument('<blockId>', 'the block GUID')
    .argument('<executionId>', 'the block execution GUID')
    .addOption(timeoutOption())
    .action(async (blockId: string, executionId: string, options, command: Command) =>
      (await blockModule()).blockWait(context(command), blockId, executionId, options),
    );
  block
    .command('results')
    .description("List a block's executions.")
    .argument('<blockId>', 'the block GUID')
    .action(async (blockId: string, _options, command: Command) =>
      (await blockModule()).blockResults(context(command), blockId),
    );

  return program;
}
