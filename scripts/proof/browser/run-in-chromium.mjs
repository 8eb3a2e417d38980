// The browser build of the published client and poller in Chromium (Debian's, driven by
// playwright-core): the page is served by this test's own static server (sirv), the API
// by the published sandbox on another origin (so CORS is exercised), and every console
// line is read back to check that neither token appears in any of them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import sirv from 'sirv';
import { CHROMIUM_LAUNCH, ensureChromium } from '../../../apps/docs/src/debian-packages.mjs';

/**
 * @param {{ consumer: string, sandbox: { token: string } & Record<string, unknown> }} options
 * @returns {Promise<{ status: string, filename: string, error: string, console: number, browser: string }>}
 */
export async function runInChromium({ consumer, sandbox }) {
  ensureChromium();
  const site = join(consumer, 'browser');
  mkdirSync(site, { recursive: true });
  await build({
    entryPoints: [new URL('page.mjs', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outfile: join(site, 'page.js'),
    nodePaths: [join(consumer, 'node_modules')],
    logLevel: 'silent',
  });
  const wrongToken = 'proof-wrong-token-5d1e8b';
  writeFileSync(join(site, 'sandbox.json'), JSON.stringify({ ...sandbox, wrongToken }));
  writeFileSync(
    join(site, 'index.html'),
    '<!doctype html><title>proof</title><script type="module" src="page.js"></script>\n',
  );

  const serve = sirv(site, { dev: true });
  const server = createServer((request, response) => serve(request, response, () => response.writeHead(404).end()));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const lines = [];
    page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
    await page.goto(`http://127.0.0.1:${address.port}/`);
    const outcome = await page.evaluate(() => /** @type {any} */ (window).proof, undefined, { timeout: 90_000 });
    if (outcome?.failed) {
      throw new Error(`the page failed: ${outcome.failed}\n${lines.join('\n')}`);
    }
    if (outcome.status !== 'Completed' || !outcome.zip) {
      throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    }
    if (outcome.error !== 'UnauthorizedError') {
      throw new Error(`a wrong token gave ${outcome.error}`);
    }
    if (!lines.some((line) => line.startsWith('log: progress:'))) {
      throw new Error(`no progress was logged:\n${lines.join('\n')}`);
    }
    const leaked = lines.filter((line) => line.includes(sandbox.token) || line.includes(wrongToken));
    if (leaked.length) {
      throw new Error(`a token appears in the console: ${leaked.join('\n')}`);
    }
    return { ...outcome, console: lines.length, browser: browser.version() };
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
}
