import { reconcileDefaults, waitDefaults } from '@mindzie/poller';
import { type Command, Option } from 'commander';
import { collectParam, parseCount, parseDuration } from './args.js';
import { formatHelpWithSections, MindzieCommand } from './command.js';
import { type CommandContext, commandContext, type RunState } from './commands/context.js';
import { settings } from './config.js';
import { exitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';
import { DEFAULT_HELP_WIDTH, widthOf } from './render/width.js';
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

/** `--help`'s table of settings: flag and variable, then what it is. */
const settingsHelp = settings.map((setting) => [`${setting.flag}, ${setting.variable}`, setting.description] as const);

/** `--help`'s table of exit codes (the one table in exit-codes.ts). */
const exitCodesHelp = exitCodes.map((row) => [`${String(row.code).padStart(3)} ${row.name}`, row.meaning] as const);

/** Every command here is a MindzieCommand (its createCommand makes them), whose help takes sections. */
const withSections = (command: Command) => command as MindzieCommand;

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
      getOutHelpWidth: () => widthOf(io.stdout, io.env) ?? DEFAULT_HELP_WIDTH,
      getErrHelpWidth: () => widthOf(io.stderr, io.env) ?? DEFAULT_HELP_WIDTH,
    })
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true, formatHelp: formatHelpWithSections })
    .option('--base-url <url>', 'the mindzieStudio server (env MINDZIE_BASE_URL)')
    .option('--token <token>', 'API token (env MINDZIE_TOKEN; prefer the environment)')
    .option('--tenant-id <guid>', 'tenant id (env MINDZIE_TENANT_ID)')
    .option('--project-id <guid>', 'project id (env MINDZIE_PROJECT_ID)')
    .option('--json', 'print one JSON document on stdout (the default when stdout is not a terminal)')
    .option('--no-json', 'print readable text even when stdout is not a terminal')
    .helpSection('Settings (a flag wins over its environment variable):', settingsHelp)
    .helpSection('Exit codes:', exitCodesHelp)
    .helpSection('Examples:', [
      'mindzie action run <actionId> --download ./out',
      'mindzie action history <actionId> --limit 5',
      'mindzie execution wait <executionId>',
      'mindzie block run <blockId> -p month=11 --wait',
    ]);

  const action = program.command('action').description('Run an action and read its executions.');
  withSections(action.command('run'))
    .description('Execute an action (once), optionally wait for it and download its package.')
    .argument('<actionId>', 'the action GUID')
    .option('--wait', 'wait until the execution completes or fails')
    .addOption(timeoutOption())
    .option(
      '--download [dir]',
      'after completion, save the package in this folder as <executionId>.zip, creating it if needed ' +
        '(implies --wait; default: the current directory)',
    )
    .option('-o, --output <file>', 'after completion, save the package to this file instead (implies --wait)')
    .option('--overwrite', 'replace an existing --output file')
    .addOption(noReconcileOption())
    .addOption(reconcileWindowOption("the action's history"))
    .helpSection('Examples:', [
      'mindzie action run <actionId> --wait',
      'mindzie action run <actionId> --download ./out   # ./out/<executionId>.zip',
      'mindzie action run <actionId> --output report.zip --overwrite',
      'mindzie action run <actionId> --wait --timeout 10m --json',
    ])
    .action(async (actionId: string, options, command: Command) =>
      (await actionModule()).actionRun(context(command), actionId, options),
    );
  withSections(action.command('history'))
    .alias('executions')
    .description("List an action's executions, newest first.")
    .argument('<actionId>', 'the action GUID')
    .addOption(new Option('--limit <n>', 'only the n newest').argParser((value: string) => parseCount(value)))
    .helpSection('Examples:', [
      'mindzie action history <actionId>',
      'mindzie action history <actionId> --limit 5 --json',
    ])
    .action(async (actionId: string, options: { limit?: number }, command: Command) =>
      (await actionModule()).actionHistory(context(command), actionId, options),
    );
  withSections(action.command('last'))
    .description("Show an action's most recent execution.")
    .argument('<actionId>', 'the action GUID')
    .helpSection('Examples:', ['mindzie action last <actionId>', 'mindzie action last <actionId> --json'])
    .action(async (actionId: string, _options, command: Command) =>
      (await actionModule()).actionLast(context(command), actionId),
    );

  const execution = program.command('execution').description('Show, wait for and download one action execution.');
  withSections(execution.command('show'))
    .description('Show one action execution.')
    .argument('<executionId>', 'the execution GUID')
    .helpSection('Examples:', ['mindzie execution show <executionId>'])
    .action(async (executionId: string, _options, command: Command) =>
      (await executionModule()).executionShow(context(command), executionId),
    );
  withSections(execution.command('wait'))
    .description('Wait for an action execution that is already running (never executes anything).')
    .argument('<executionId>', 'the execution GUID')
    .addOption(timeoutOption())
    .helpSection('Examples:', [
      'mindzie execution wait <executionId>   # after Ctrl-C or --timeout',
      'mindzie execution wait <executionId> --timeout 1h',
    ])
    .action(async (executionId: string, options, command: Command) =>
      (await executionModule()).executionWait(context(command), executionId, options),
    );
  withSections(execution.command('download'))
    .description("Download an execution's result package (ZIP).")
    .argument('<executionId>', 'the execution GUID')
    .option('-o, --output <path>', 'file or directory to save to (default: the current directory, named by the server)')
    .option('--overwrite', 'replace an existing file')
    .helpSection('Examples:', [
      'mindzie execution download <executionId>           # ./<executionId>.zip',
      'mindzie execution download <executionId> -o out/   # into a folder',
      'mindzie execution download <executionId> -o report.zip --overwrite',
    ])
    .action(async (executionId: string, options, command: Command) =>
      (await executionModule()).executionDownload(context(command), executionId, options),
    );

  const block = program.command('block').description('Run a block and read its executions.');
  withSections(block.command('run'))
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
    .helpSection('Examples:', [
      'mindzie block run <blockId> -p month=11 -p tags=\'["eu"]\' --wait',
      'mindzie block run <blockId> --wait --timeout 5m --json',
    ])
    .action(async (blockId: string, options, command: Command) =>
      (await blockModule()).blockRun(context(command), blockId, options),
    );
  withSections(block.command('wait'))
    .description('Wait for a block execution that is already queued or running.')
    .argument('<blockId>', 'the block GUID')
    .argument('<executionId>', 'the block execution GUID')
    .addOption(timeoutOption())
    .helpSection('Examples:', ['mindzie block wait <blockId> <executionId> --timeout 10m'])
    .action(async (blockId: string, executionId: string, options, command: Command) =>
      (await blockModule()).blockWait(context(command), blockId, executionId, options),
    );
  withSections(block.command('results'))
    .description("List a block's executions.")
    .argument('<blockId>', 'the block GUID')
    .helpSection('Examples:', ['mindzie block results <blockId>', 'mindzie block results <blockId> --json'])
    .action(async (blockId: string, _options, command: Command) =>
      (await blockModule()).blockResults(context(command), blockId),
    );

  return program;
}
