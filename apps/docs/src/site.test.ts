import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlSample, readTypeScriptSamples } from './code-samples.mjs';
import { CHROMIUM_LAUNCH, ensureChromium } from './debian-packages.mjs';
import { listOperations } from './operations.mjs';
import { startStaticServer } from './static-server.mjs';

// The built site (dist/, built by turbo before the tests run) in a real headless
// Chromium, served by a local node:http server. Every request the page makes is
// recorded, and anything not for that server is refused and fails the test.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));
const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@mindzie/spec/openapi.json'), 'utf8'));
const operations = listOperations(spec);
const samples = readTypeScriptSamples(fileURLToPath(new URL('../samples/', import.meta.url)));

let browser: Browser;
let server: Awaited<ReturnType<typeof startStaticServer>>;

beforeAll(async () => {
  ensureChromium();
  mkdirSync(results, { recursive: true });
  server = await startStaticServer({ root: dist });
  browser = await chromium.launch(CHROMIUM_LAUNCH);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Watched = { page: Page; requests: string[]; offsite: string[]; consoleErrors: string[] };

/** A page whose network is closed except for the local server, with everything recorded. */
async function openSite(options: BrowserContextOptions): Promise<Watched> {
  const context = await browser.newContext(options);
  const watched: Watched = { page: await context.newPage(), requests: [], offsite: [], consoleErrors: [] };
  const local = (url: string) => url.startsWith(server.url) || /^(data|blob):/.test(url);
  context.on('request', (request) => {
    watched.requests.push(request.url());
    if (!local(request.url())) {
      watched.offsite.push(request.url());
    }
  });
  await context.route('**/*', (route) =>
    local(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  watched.page.on('console', (message) => {
    if (message.type() === 'error') {
      watched.consoleErrors.push(message.text().slice(0, 500));
    }
  });
  watched.page.on('pageerror', (error) => watched.consoleErrors.push(`uncaught: ${error.message}`));
  watched.page.setDefaultTimeout(10_000);
  await watched.page.goto(server.url, { waitUntil: 'load' });
  // The page arrives pre-rendered; clicks work once React has hydrated the navigation.
  await watched.page.waitForFunction(() => {
    const item = document.querySelector('.menu-item-type-group');
    return item !== null && Object.keys(item).some((key) => key.startsWith('__reactFiber$'));
  });
  return watched;
}

function expectNothingOffsiteAndNoErrors({ requests, offsite, consoleErrors }: Watched) {
  expect(requests.length).toBeGreaterThan(0);
  expect(offsite).toEqual([]);
  expect(consoleErrors).toEqual([]);
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const heading = (page: Page, text: string) =>
  page
    .locator('h1, h2')
    .filter({ hasText: exactly(text) })
    .first();

/** Opens an operation from the navigation (behind the menu button on a phone), as a reader would. */
async function goToOperation(page: Page, op: (typeof operations)[number], { phone = false } = {}) {
  if (phone) {
    await page.getByRole('button', { name: 'Open navigation menu' }).click();
  }
  const tag = page.locator(`[data-text="${op.operation.tags[0]}"]`);
  const group = page.locator('.menu-item-type-group').filter({ has: tag });
  await group.waitFor();
  // A collapsed tag shows a right-pointing chevron; expand it to reach its operations.
  if (await group.locator('[data-component-name="icons/ChevronRightIcon/ChevronRightIcon"]').first().isVisible()) {
    await group.click();
  }
  const item = page.locator('.menu-item-type-operation').filter({ hasText: op.summary });
  await item.click();
  await heading(page, op.summary).waitFor();
  await page.getByText(op.path, { exact: true }).first().waitFor({ state: 'attached' });
}

/** Picks a sample language in the operation's request-samples panel; returns the code shown. */
async function showSample(page: Page, path: string, label: string) {
  const panel = page.locator('.panel-request-samples').filter({ has: page.getByText(path, { exact: true }) });
  await panel
    .locator('button[aria-haspopup="menu"]')
    .filter({ hasText: /^(TypeScript|cURL)$/ })
    .click();
  await page.getByRole('menuitem', { name: label, exact: true }).click();
  await panel
    .locator('button[aria-haspopup="menu"]')
    .filter({ hasText: new RegExp(`^${label}$`) })
    .waitFor();
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as the reader sees it.
  return (await panel.locator('[data-component-name="CodeBlock/CodeBlock"]').innerText()).trim();
}

describe('the built site in Chromium', () => {
  it('loads from the local server alone, shows the logo and logs no error', async () => {
    const site = await openSite({ viewport: { width: 1280, height: 900 } });
    const { page } = site;
    await heading(page, `${spec.info.title} (${spec.info.version})`).waitFor();
    expect(await page.title()).toBe('mindzieStudio Execution API reference');
    const logo = page.getByRole('img', { name: 'mindzie SDK' }).first();
    await logo.waitFor();
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(site.requests).toContain(`${server.url}logo.svg`);
    await page.screenshot({ path: `${results}docs-desktop.png` });
    expectNothingOffsiteAndNoErrors(site);
    await page.context().close();
  }, 60_000);

  it('shows every operation with its title, path and both sample tabs', async () => {
    const site = await openSite({ viewport: { width: 1280, height: 900 } });
    const { page } = site;
    for (const op of operations) {
      await goToOperation(page, op);
      await page.getByText(op.path, { exact: true }).first().waitFor({ state: 'visible' });
      expect(await showSample(page, op.path, 'cURL'), op.operationId).toBe(curlSample(spec, op));
      expect(await showSample(page, op.path, 'TypeScript'), op.operationId).toBe(samples.get(op.operationId));
    }
    await page.screenshot({ path: `${results}docs-operation.png` });
    expectNothingOffsiteAndNoErrors(site);
    await page.context().close();
  }, 120_000);

  it('fits a phone-sized viewport without horizontal scrolling', async () => {
    const site = await openSite({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const { page } = site;
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await heading(page, `${spec.info.title} (${spec.info.version})`).waitFor();
    await page.screenshot({ path: `${results}docs-phone.png` });
    expect(await overflow()).toBeLessThanOrEqual(0);

    for (const op of operations) {
      await goToOperation(page, op, { phone: true });
      expect(await overflow(), op.operationId).toBeLessThanOrEqual(0);
      // Long sample lines scroll inside their panel, which stays within the screen.
      const panel = page.locator('.panel-request-samples').filter({ has: page.getByText(op.path, { exact: true }) });
      await panel.scrollIntoViewIfNeeded();
      const box = await panel.boundingBox();
      expect(
        box && box.x >= 0 && box.x + box.width <= 390,
        `${op.operationId} samples panel ${JSON.stringify(box)}`,
      ).toBe(true);
      expect(await overflow(), op.operationId).toBeLessThanOrEqual(0);
    }
    const first = operations[0]!;
    await goToOperation(page, first, { phone: true });
    expect(await showSample(page, first.path, 'cURL')).toBe(curlSample(spec, first));
    await page
      .locator('.panel-request-samples')
      .filter({ has: page.getByText(first.path, { exact: true }) })
      .scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${results}docs-phone-samples.png` });
    expectNothingOffsiteAndNoErrors(site);
    await page.context().close();
  }, 90_000);

  it('opens every navigation link directly, from a server that rewrites nothing', async () => {
    const site = await openSite({ viewport: { width: 1280, height: 900 } });
    const links = await navigationLinks(site.page);
    // One link per section of the description (the guide's and the contract's), tag and operation.
    const sections = (spec.info.description as string).match(/^## /gm)?.length ?? 0;
    const tags = new Set(operations.map((op) => op.operation.tags[0])).size;
    expect(links.filter(({ href }) => href.startsWith('#/section/'))).toHaveLength(sections + guideSections);
    expect(links.length).toBe(1 + sections + guideSections + tags + operations.length);
    for (const op of operations) {
      expect(links.map(({ label }) => label)).toContain(op.summary);
    }
    expect(
      links.filter(({ href }) => !href.startsWith('#/')),
      'path routes 404 on a static host',
    ).toEqual([]);

    for (const { href, label } of links) {
      const page = await site.page.context().newPage();
      const answer = await page.goto(new URL(href, server.url).href, { waitUntil: 'load' });
      expect(answer?.status(), href).toBe(200);
      const target = page
        .locator('h1, h2')
        .filter({ hasText: new RegExp(`^${escapeRegExp(label)}`) })
        .first();
      await target.waitFor();
      await expect
        .poll(() => target.evaluate((el) => el.getBoundingClientRect().top), { message: href })
        .toBeLessThan(200);
      await page.close();
    }
    expectNothingOffsiteAndNoErrors(site);
    await site.page.context().close();
    // Each link is a full load of the 2.5 MB page: ~4 s on an idle 2-core machine, 3x that under load.
  }, 600_000);
});

const guideSections = (
  readFileSync(new URL('../guide/getting-started.md', import.meta.url), 'utf8').match(/^## /gm) ?? []
).length;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every link of the navigation (each tag expanded), with its label as shown. */
async function navigationLinks(page: Page) {
  const found = new Map<string, string>();
  const collect = async () => {
    const shown = await page.$$eval('a[href]', (anchors) =>
      anchors
        .filter((a) => a.closest('[class*="menu-item-type-"]'))
        // biome-ignore lint/performance/useDomNodeTextContent: the label as rendered, without hidden text.
        .map((a) => ({ href: a.getAttribute('href') ?? '', label: (a as HTMLElement).innerText })),
    );
    // An operation's label ends with its method badge.
    for (const { href, label } of shown) {
      found.set(href, label.replace(/\s+(GET|POST|PUT|PATCH|DELETE)$/, '').trim());
    }
  };
  await collect();
  // Expand each tag and wait for its operations to show before reading the links.
  for (const tag of new Set(operations.map((op) => op.operation.tags[0] as string))) {
    const group = page.locator('.menu-item-type-group').filter({ has: page.locator(`[data-text="${tag}"]`) });
    if (await group.locator('[data-component-name="icons/ChevronRightIcon/ChevronRightIcon"]').first().isVisible()) {
      await group.click();
    }
    for (const op of operations.filter((candidate) => candidate.operation.tags[0] === tag)) {
      await page.locator('.menu-item-type-operation').filter({ hasText: op.summary }).waitFor();
    }
    await collect();
  }
  return [...found].map(([href, label]) => ({ href, label }));
}
