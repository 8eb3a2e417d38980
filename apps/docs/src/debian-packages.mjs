// The browser test drives Debian's Chromium through playwright-core (which cannot
// download a browser here). Installing what the tests need is this project's job.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * playwright-core's own launcher options: its defaults already run headless and turn off what Chromium would
 * fetch by itself (background networking, component updates, first-run pages); only the path is ours.
 * Its installer cannot replace ensureChromium: it downloads Playwright's build from its CDN, not Debian's package.
 */
export const CHROMIUM_LAUNCH = { executablePath: CHROMIUM_PATH, headless: true, chromiumSandbox: false };

/**
 * Installs a Debian package with apt-get when `binary` is missing. Needs root (CI runs
 * as root); otherwise the error says which command to run.
 * @param {string} binary absolute path the package provides
 * @param {string} debianPackage
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {string} binary
 */
export function ensureDebianPackage(binary, debianPackage, { log = (line) => console.log(line) } = {}) {
  if (existsSync(binary)) {
    return binary;
  }
  /** @type {Array<[string, string[]]>} */
  const steps = [
    ['apt-get', ['update']],
    ['apt-get', ['install', '-y', '--no-install-recommends', debianPackage]],
  ];
  const command = steps.map(([cmd, args]) => [cmd, ...args].join(' ')).join(' && ');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${binary} is missing and installing it needs root: run \`${command}\``);
  }
  log(`${binary} is missing; running ${command}`);
  for (const [cmd, args] of steps) {
    const result = spawnSync(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
    if (result.status !== 0) {
      const why = result.error?.message ?? String(result.stderr).slice(-2000);
      throw new Error(`\`${[cmd, ...args].join(' ')}\` failed (${result.status ?? result.signal}): ${why}`);
    }
  }
  if (!existsSync(binary)) {
    throw new Error(`apt-get installed ${debianPackage} but ${binary} is still missing`);
  }
  return binary;
}

/** Debian's chromium, installed when missing. */
export const ensureChromium = (/** @type {{ log?: (line: string) => void }} */ options = {}) =>
  ensureDebianPackage(CHROMIUM_PATH, 'chromium', options);

/** curl, which the cURL samples' test runs for real. */
export const ensureCurl = (/** @type {{ log?: (line: string) => void }} */ options = {}) =>
  ensureDebianPackage('/usr/bin/curl', 'curl', options);
