import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlSample, readTypeScriptSamples } from './code-samples.mjs';
import { CHROMIUM_LAUNCH, ensureChromium } from './debian-packages.mjs';
import { readGuide } from './guide.mjs';
import { listOperations } from './operations.mjs';
import { SDK_REFERENCE_PAGE } from './sdk-reference.mjs';
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

/**
 * Every rendered code block whose lines do not fit its box unwrapped (the reader would have to
 * scroll, or, where the site wraps long lines, read a line broken in two).
 */
const cutCodeBlocks = (page: Page) =>
  page.$$eval('pre', (blocks) =>
    blocks
      .filter((pre) => pre.getClientRects().length > 0)
      .map((pre) => {
        const wrap = pre.style.whiteSpace;
        pre.style.whiteSpace = 'pre';
        const widths = { scroll: pre.scrollWidth, client: pre.clientWidth };
        pre.style.whiteSpace = wrap;
        return { widths, firstLine: pre.textContent?.split('\n')[0] };
      })
      .filter(({ widths }) => widths.scroll > widths.client)
      .map(({ widths, firstLine }) => `${widths.scroll} > ${widths.client}: ${firstLine}`),
  );

/** Every shown Copy button that covers a character of its code block; [] when none does. */
const copyButtonsOverCode = (page: Page) =>
  page.$$eval('[data-testid="copy-button"]', (buttons) => {
    const overlaps = (a: DOMRect, b: DOMRect) =>
      a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const found: string[] = [];
    for (const button of buttons) {
      const box = button.getBoundingClientRect();
      const pre = button.closest('[data-component-name="CodeBlock/CodeBlock"]')?.querySelector('pre');
      if (box.width === 0 || !pre) {
        continue;
      }
      const visible = pre.getBoundingClientRect(); // text scrolled out of the block is not shown
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) {
          if (node.textContent?.trim() && overlaps(rect, visible) && overlaps(rect, box)) {
            found.push(`${JSON.stringify(node.textContent)} under the button at ${box.x},${box.y}`);
          }
        }
      }
    }
    return found;
  });

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
  // The language menu opens below its button: bring the panel to the top first, as a reader scrolls to it.
  await panel.evaluate((element) => element.scrollIntoView({ block: 'start' }));
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
    const site = await openSite({ viewport: { width: 1280, height: 800 } });
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

  it("shows every line of the guide's code whole at 1280x800", async () => {
    const site = await openSite({ viewport: { width: 1280, height: 800 } });
    const { page } = site;
    await heading(page, lastGuideSection).waitFor();
    const shown = await page.locator('[data-component-name="Markdown/Markdown"] pre').count();
    expect(shown).toBeGreaterThanOrEqual(guideBlocks);
    expect(await cutCodeBlocks(page)).toEqual([]);
    await page.locator('a[href="#/section/install-the-sdk"]').first().click();
    await heading(page, 'Install the SDK').waitFor();
    await page.screenshot({ path: `${results}docs-guide-desktop.png` });
    expectNothingOffsiteAndNoErrors(site);
    await page.context().close();
  }, 60_000);

  it('shows every operation with its title, path and both sample tabs, every line whole at 1280x800', async () => {
    const site = await openSite({ viewport: { width: 1280, height: 800 } });
    const { page } = site;
    for (const op of operations) {
      await goToOperation(page, op);
      await page.getByText(op.path, { exact: true }).first().waitFor({ state: 'visible' });
      expect(await showSample(page, op.path, 'cURL'), op.operationId).toBe(curlSample(spec, op));
      expect(await cutCodeBlocks(page), `${op.operationId} cURL`).toEqual([]);
      expect(await showSample(page, op.path, 'TypeScript'), op.operationId).toBe(samples.get(op.operationId));
      expect(await cutCodeBlocks(page), `${op.operationId} TypeScript`).toEqual([]);
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
      // Scrolling inside a block is fine; a Copy button over the code is not.
      await panel.getByTestId('copy-button').filter({ visible: true }).first().waitFor();
      expect(await copyButtonsOverCode(page), op.operationId).toEqual([]);
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

  it('links the SDK reference from the navigation, and it works from the same server alone', async () => {
    const site = await openSite({ viewport: { width: 1280, height: 800 } });
    const { page } = site;
    await page.locator('.menu-item-type-default a[href="#/section/sdk-reference"]').click();
    await heading(page, 'SDK reference').waitFor();
    await page.getByRole('link', { name: 'open the SDK reference' }).click();
    await page.waitForURL(`${server.url}${SDK_REFERENCE_PAGE}`, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'mindzie SDK reference', level: 1, exact: true }).waitFor();
    await page.getByText('The public API of the TypeScript SDK').waitFor();
    // The golden path's runAction (@mindzie/poller/node) and an error class, each on its own page.
    await page.goto(`${server.url}sdk/functions/_mindzie_poller.node.runAction.html`);
    await page.getByRole('heading', { name: 'Function runAction', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'RunActionToFileOptions' }).first().waitFor();
    await page.goto(`${server.url}sdk/classes/_mindzie_poller.index.ExecutionFailedError.html`);
    await page.getByRole('heading', { name: 'Class ExecutionFailedError', level: 1 }).waitFor();
    await page.screenshot({ path: `${results}docs-sdk-reference.png` });
    await page.getByRole('link', { name: 'API reference and guide' }).first().click();
    await page.waitForURL(`${server.url}index.html`, { waitUntil: 'commit' });
    await heading(page, `${spec.info.title} (${spec.info.version})`).waitFor();
    expectNothingOffsiteAndNoErrors(site);
    await page.context().close();
  }, 60_000);

  it('opens every navigation link, each kind from a fresh load, from a server that rewrites nothing', async () => {
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

    // The first link of each kind (a section, a tag, an operation) is opened in a page
    // of its own, as a shared link is; every other one by its hash in the loaded page, which Redoc's router
    // resolves the same way. A full load of the 2.5 MB page costs ~4 s of CPU on an idle 2-core machine,
    // 3x that under load: a fresh load for each of the 26 links was a minute of this suite.
    const kinds = new Set<string>();
    for (const { href, label } of links) {
      const kind = operations.some((op) => op.summary === label)
        ? 'operation'
        : operations.some((op) => op.operation.tags[0] === label)
          ? 'tag'
          : href.startsWith('#/section/')
            ? 'section'
            : href;
      const fresh = !kinds.has(kind);
      kinds.add(kind);
      const page = fresh ? await site.page.context().newPage() : site.page;
      const answer = await page.goto(new URL(href, server.url).href, { waitUntil: 'load' });
      if (fresh) {
        expect(answer?.status(), href).toBe(200);
      }
      const target = page
        .locator('h1, h2')
        .filter({ hasText: new RegExp(`^${escapeRegExp(label)}`) })
        .first();
      await target.waitFor();
      await expect
        .poll(() => target.evaluate((el) => el.getBoundingClientRect().top), { message: href })
        .toBeLessThan(200);
      if (fresh) {
        await page.close();
      }
    }
    expect([...kinds].sort()).toEqual(['#/', 'operation', 'section', 'tag']); // '#/': the API's own top
    expectNothingOffsiteAndNoErrors(site);
    await site.page.context().close();
  }, 300_000);
});

const guideSource = readFileSync(new URL('../guide/getting-started.md', import.meta.url), 'utf8');
const guideSections = (guideSource.match(/^## /gm) ?? []).length;
const lastGuideSection = [...guideSource.matchAll(/^## (.+)$/gm)].at(-1)?.[1] ?? '';
const guideBlocks = (readGuide(fileURLToPath(new URL('../guide/', import.meta.url))).markdown.match(/^```\w/gm) ?? [])
  .length;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every link of the navigation (each tag expanded), with its label as shown. */
async function navigationLinks(page: Page) {
  const found = new Map<string, string>();
  const collect = async () => {
    const shown = await page.$$eval('a[href]', (anchors) =>
      anchors
        // Shown ones only: a collapsed group's hidden links read as their text run together ("…GET").
        .filter((a) => a.closest('[class*="menu-item-type-"]') && a.getClientRects().length > 0)
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
