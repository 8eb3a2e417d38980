// The terminal rendering, checked in a real pseudo-terminal: tmux runs the built bin,
// `send-keys` types the command and `capture-pane` reads the screen as a user sees it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mindzieBin } from '../test-support/mindzie.js';
import { type SandboxProcess, startSandboxProcess } from '../test-support/sandbox.js';

const socket = `mindzie-cli-test-${process.pid}`;
const tmux = (...args: string[]) => {
  const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
  }
  return result.stdout;
};

/** tmux is a Debian package: install it when missing (tests run as root on CI). */
function ensureTmux(): void {
  if (spawnSync('tmux', ['-V']).status === 0) {
    return;
  }
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'tmux'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status;
  if (install() !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    install();
  }
  if (spawnSync('tmux', ['-V']).status !== 0) {
    throw new Error('tmux is missing and `apt-get install -y tmux` did not install it');
  }
}

let sandbox: SandboxProcess;
let work: string;
let session = 0;

beforeAll(async () => {
  ensureTmux();
  // Time scale 2: "Daily sales report" runs 1.5 s, long enough to see the live line between checks.
  sandbox = await startSandboxProcess(2);
  work = await mkdtemp(join(tmpdir(), 'mindzie-tty-'));
});

afterAll(async () => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  await sandbox?.stop();
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
});

/** A fresh terminal (140×40 unless told) with the sandbox's settings, running `mindzie ARGS`. */
function typeInTerminal(args: string[], columns = 140): string {
  const name = `cli-${++session}`;
  const env = Object.entries({ ...sandbox.env, TERM: 'xterm-256color', PS1: '$ ' }).map(
    ([key, value]) => `${key}='${value}'`,
  );
  tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(columns),
    '-y',
    '40',
    `env -i PATH='${process.env.PATH}' ${env.join(' ')} bash --norc --noprofile`,
  );
  tmux('send-keys', '-t', name, `node ${mindzieBin} ${args.join(' ')}; echo "exit=$?"`, 'Enter');
  return name;
}

/** Reads the screen until `pattern` shows (or fails after `timeoutMs`, with the screen in the message). */
async function screenMatching(
  name: string,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<{ screen: string; match: RegExpMatchArray }> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  for (;;) {
    screen = tmux('capture-pane', '-p', '-t', name);
    const match = screen.match(pattern);
    if (match) {
      return { screen, match };
    }
    if (Date.now() > deadline) {
      throw new Error(`The screen never matched ${pattern}:\n${screen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('on a terminal', () => {
  it('waits behind one live status line: status, ticking elapsed time, next check; then a tick mark', async () => {
    const name = typeInTerminal(['action', 'run', sandbox.actionId('Daily sales report'), '--wait']);
    const live = new RegExp(
      String.raw`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (Queued|Running)\s+elapsed (\d+\.\d)s\s+` +
        String.raw`next check in \d+\.\ds\s+execution ([0-9a-f-]{36})`,
    );
    const first = await screenMatching(name, live);
    const later = await screenMatching(
      name,
      new RegExp(`(Queued|Running)\\s+elapsed (?!${first.match[2]}s)\\d+\\.\\ds`),
    );
    expect(later.match[0]).toContain('elapsed');

    const { screen } = await screenMatching(name, /exit=\d+/);
    expect(screen).toContain('exit=0');
    // the line was redrawn in place: one status line, now final, with no countdown left
    const statusLines = screen
      .split('\n')
      .filter((line) => line.includes(`execution ${first.match[3]}`) && line.includes('elapsed'));
    expect(statusLines).toHaveLength(1);
    expect(statusLines[0]).toMatch(/^✔ Completed\s+elapsed \d+\.\ds\s+execution /);
    expect(screen).toMatch(
      new RegExp(`^Completed: execution ${first.match[3]} of action [0-9a-f-]{36} \\(ran \\d+\\.\\ds\\)$`, 'm'),
    );
  });

  it('downloads behind a progress bar with bytes and rate', async () => {
    const folder = join(work, 'large');
    const name = typeInTerminal(['action', 'run', sandbox.actionId('Large export'), '--download', `${folder}/`]);
    const { screen } = await screenMatching(name, /exit=\d+/, 30_000);
    expect(screen).toContain('exit=0');
    const bars = screen.split('\n').filter((line) => line.startsWith('Downloading '));
    expect(bars).toHaveLength(1);
    const [file] = await readdir(folder);
    expect(bars[0]).toMatch(/^Downloading\s+█{24} 100%\s+67\.1 MB \/ 67\.1 MB\s+\d+(\.\d+)? [kMG]?B\/s\s+(\S+)\s*$/);
    expect(bars[0]).toContain(file);
    expect(screen).toContain(`Package saved to ${join(folder, file!)} (67.1 MB)`);
  });

  it('keeps the numbers of both live lines on an 80-column screen (only the names at their ends are cut)', async () => {
    const folder = join(work, 'narrow');
    const name = typeInTerminal(['action', 'run', sandbox.actionId('Large export'), '--download', `${folder}/`], 80);
    const { screen } = await screenMatching(name, /exit=\d+/, 30_000);
    expect(screen).toContain('exit=0');
    const lines = screen.split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(80);
    const bars = lines.filter((line) => line.startsWith('Downloading '));
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatch(/^Downloading\s+█{24} 100%\s+67\.1 MB \/ 67\.1 MB\s+\d+(\.\d+)? [kMG]?B\/s/);
    expect(lines.filter((line) => /^✔ Completed\s+elapsed \d+\.\ds\s+execution /.test(line))).toHaveLength(1);
  });
});
