import { reconcileDefaults, waitDefaults } from '@mindzie/poller';
import { type Command, Option } from 'commander';
import { collectParam, parseDuration } from './args.js';
import { MindzieCommand } from './command.js';
import type { Commands } from './commands/index.js';
import { settings } from './config.js';
import { exitCodesHelp } from './exit-codes.js';
import type { OutputStream } from './io.js';
import { VERSION } from './version.js';

/** `--timeout` for every command that waits. */
const timeoutOption = () =>
  new Option(
    '--timeout <duration>',
    `give up waiting after this long: 90 (seconds), 30s, 10m, 1h (default: ${waitDefaults.timeoutMs / 60_000} min)`,
  ).argParser((value: string) => parseDuration(value));

const environmentHelp = [
  'Settings (a flag wins over its environment variable):',
  ...settings.map((setting) => `  ${setting.flag.padEnd(14)}${setting.env.padEnd(21)}${setting.what}`),
].join('\n');

/**
 * The command tree. Commander parses and validates; each action hands its parsed
 * arguments to `commands` (which the runner binds to a client, an output and a signal).
 */
export function buildProgram(commands: Commands, out: { stdout: OutputStream; stderr: OutputStream }): Command {
  const program = new MindzieCommand('mindzie')
    .description('Run mindzieStudio actions and blocks, wait for them, download their packages.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.stdout.write(text),
      writeErr: (text) => out.stderr.write(text),
      getOutHelpWidth: () => out.stdout.columns ?? 100,
      getErrHelpWidth: () => out.stderr.columns ?? 100,
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
    .option(
      '--no-reconcile',
      "if execute's answer is lost, do not look for the execution it may have created (exit 7 instead)",
    )
    .addOption(
      new Option(
        '--reconcile-window <duration>',
        `how long to look for that execution in the action's history (default: ${reconcileDefaults.windowMs / 1_000}s)`,
      ).argParser((value: string) => parseDuration(value, '--reconcile-window')),
    )
    .action((actionId: string, options, command: Command) =>
      commands.actionRun(command.optsWithGlobals(), actionId, options),
    );
  action
    .command('history')
    .alias('executions')
    .description("List an action's executions.")
    .argument('<actionId>', 'the action GUID')
    .action((actionId: string, _options, command: Command) =>
      commands.actionHistory(command.optsWithGlobals(), actionId),
    );
  action
    .command('last')
    .description("Show an action's most recent execution.")
    .argument('<actionId>', 'the action GUID')
    .action((actionId: string, _options, command: Command) => commands.actionLast(command.optsWithGlobals(), actionId));

  const execution = program.command('execution').description('Show, wait for and download one action execution.');
  execution
    .command('show')
    .description('Show one action execution.')
    .argument('<executionId>', 'the execution GUID')
    .action((executionId: string, _options, command: Command) =>
      commands.executionShow(command.optsWithGlobals(), executionId),
    );
  execution
    .command('wait')
    .description('Wait for an action execution that is already running (never executes anything).')
    .argument('<executionId>', 'the execution GUID')
    .addOption(timeoutOption())
    .action((executionId: string, options, command: Command) =>
      commands.executionWait(command.optsWithGlobals(), executionId, options),
    );
  execution
    .command('download')
    .description("Download an execution's result package (ZIP).")
    .argument('<executionId>', 'the execution GUID')
    .option('-o, --output <path>', 'file or directory to save to (default: the current directory, named by the server)')
    .option('--overwrite', 'replace an existing file')
    .action((executionId: string, options, command: Command) =>
      commands.executionDownload(command.optsWithGlobals(), executionId, options),
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
    .action((blockId: string, options, command: Command) =>
      commands.blockRun(command.optsWithGlobals(), blockId, options),
    );
  block
    .command('wait')
    .description('Wait for a block execution that is already queued or running.')
    .argument('<blockId>', 'the block GUID')
    .argument('<executionId>', 'the block execution GUID')
    .addOption(timeoutOption())
    .action((blockId: string, executionId: string, options, command: Command) =>
      commands.blockWait(command.optsWithGlobals(), blockId, executionId, options),
    );
  block
    .command('results')
    .description("List a block's executions.")
    .argument('<blockId>', 'the block GUID')
    .action((blockId: string, _options, command: Command) => commands.blockResults(command.optsWithGlobals(), blockId));

  return program;
}
