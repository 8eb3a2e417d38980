// `mindzie-sandbox`: start the sandbox, print how to reach it, stop cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { cannotCreateExecution } from './fixture.ts';
import { type Sandbox, startSandbox } from './index.ts';
import { shellExports } from './shell-exports.ts';
import { exampleValue } from './spec.ts';

const refused = exampleValue<{ error: string }>('ActionCannotCreateExecution').error;

const usage = `Usage: mindzie-sandbox [--port N] [--host H] [--fixture FILE] [--time-scale N] [--cors-origin O] [--json]

  --port N        port to listen on; 0 (default) picks a free one
  --host H        address to listen on (default 127.0.0.1)
  --fixture FILE  fixture JSON (default: the fixture that ships with the sandbox)
  --time-scale N  divide every scripted duration by N (60: a 10-minute run takes 10 s)
  --cors-origin O let web pages of origin O (or * for any) call the API from a browser
  --json          print one JSON object on the first line of stdout, then nothing else
`;

/** A seeded item's description as a suffix of its line, or nothing. */
const described = (description: string | undefined) => (description ? `; ${description}` : '');

function fail(message: string): never {
  process.stderr.write(`mindzie-sandbox: ${message}\n\n${usage}`);
  process.exit(2);
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    fail(`--${name} needs a number (got "${value}")`);
  }
  return parsed;
}

function describe(sandbox: Sandbox): string {
  const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`);
  const lines = [
    `mindzie sandbox ready at ${sandbox.baseUrl} (time scale ${sandbox.timeScale})`,
    '',
    `  base URL    ${sandbox.baseUrl}`,
    `  token       ${sandbox.token}`,
    `  tenant id   ${sandbox.tenantId}`,
    `  project id  ${sandbox.projectId}`,
    `  API root    ${sandbox.baseUrl}/api/${sandbox.tenantId}/${sandbox.projectId}`,
    `  admin token ${sandbox.adminToken}  (admin API under ${sandbox.baseUrl}/__sandbox/)`,
    '',
    'To point the mindzie CLI or createClient.fromEnv() at it, paste into your shell:',
    '',
    ...shellExports(sandbox),
    '',
    'Actions:',
    ...sandbox.actions.map((action) => {
      const outcome =
        action.outcome === cannotCreateExecution
          ? `execute answers 404 "${refused}"`
          : `${action.outcome} after ${seconds(action.durationMs)}`;
      return `  ${action.actionId}  ${action.name}: ${outcome}${described(action.description)}`;
    }),
    'Blocks:',
    ...sandbox.blocks.map(
      (block) =>
        `  ${block.blockId}  ${block.name}: ${block.outcome} after ${seconds(block.durationMs)}` +
        described(block.description),
    ),
    '',
    'Press Ctrl+C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

/** Parses the command line (`pnpm start -- --json` passes the `--` along: options after it are still options). */
function parseOptions() {
  return parseArgs({
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      fixture: { type: 'string' },
      'time-scale': { type: 'string' },
      'cors-origin': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions();
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const port = numberOption('port', values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    fail(`--port must be 0..65535 (got ${port})`);
  }
  const timeScale = numberOption('time-scale', values['time-scale']);

  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      ...(port !== undefined ? { port } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.fixture !== undefined ? { fixture: values.fixture } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
      ...(values['cors-origin'] !== undefined ? { corsOrigin: values['cors-origin'] } : {}),
    });
  } catch (error) {
    process.stderr.write(`mindzie-sandbox: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    if (!values.json) {
      process.stderr.write(`\n${signal}: stopping the sandbox\n`);
    }
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Listening for signals before printing: a script may signal as soon as it reads the banner.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (values.json) {
    const { admin: _admin, close: _close, ...info } = sandbox;
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    process.stdout.write(describe(sandbox));
  }
}

await main();
