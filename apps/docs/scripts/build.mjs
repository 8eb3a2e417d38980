#!/usr/bin/env node
// Builds dist/: the contract bundle, decorated with code samples and branding, rendered
// by `redocly build-docs --inlineBundle` into one page that loads nothing from elsewhere.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withBranding } from '../src/branding.mjs';
import { readTypeScriptSamples, SAMPLE_LANGUAGES, withCodeSamples } from '../src/code-samples.mjs';
import { withContentSecurityPolicy } from '../src/csp.mjs';
import { readGuide, withGuide } from '../src/guide.mjs';
import { REDOC_ROUTER, withoutPreRenderedPage } from '../src/hash-routes.mjs';
import { withLocalAssets } from '../src/local-assets.mjs';
import { buildSdkReference, externalLoad } from '../src/sdk-reference.mjs';

const app = fileURLToPath(new URL('..', import.meta.url));
const dist = join(app, 'dist');
const require = createRequire(import.meta.url);
const bundleJson = require.resolve('@mindzie/spec/openapi.json');
const bundleYaml = require.resolve('@mindzie/spec/openapi.yaml');

const TITLE = 'mindzieStudio Execution API reference';
const LOGO = 'logo.svg';

/** Redoc options (Redoc 3): show exactly our two sample languages, offer the contract. */
const redocOptions = {
  codeSamples: { languages: SAMPLE_LANGUAGES },
  downloadUrls: [
    { title: 'OpenAPI (JSON)', url: 'openapi.json' },
    { title: 'OpenAPI (YAML)', url: 'openapi.yaml' },
  ],
  jsonSamplesExpandLevel: 3,
  // Samples below each operation, at the content's full width: at 1280 px the three-panel
  // layout gave code a 400 px column that cut its lines (the reader can still switch).
  layout: 'stacked',
  router: REDOC_ROUTER, // why: src/hash-routes.mjs
};

const bundle = JSON.parse(readFileSync(bundleJson, 'utf8'));
const guide = readGuide(join(app, 'guide'));
const withSamples = withCodeSamples(bundle, readTypeScriptSamples(join(app, 'samples')));
const decorated = withBranding(withGuide(withSamples, guide.markdown), {
  logoUrl: LOGO,
  altText: 'mindzie SDK',
});

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'mindzie-docs-'));
try {
  const input = join(work, 'openapi.json');
  writeFileSync(input, JSON.stringify(decorated, null, 2));
  const redocly = spawnSync(
    process.execPath,
    [
      join(app, 'node_modules/@redocly/cli/bin/cli.js'),
      'build-docs',
      input,
      '--inlineBundle',
      `--output=${join(dist, 'index.html')}`,
      `--template=${join(app, 'template.hbs')}`,
      `--title=${TITLE}`,
      `--openapi=${JSON.stringify(redocOptions)}`,
    ],
    {
      cwd: work, // no redocly.yaml here: the options above are the whole configuration
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  if (redocly.status !== 0) {
    process.stderr.write(redocly.stdout);
    process.stderr.write(redocly.stderr);
    throw new Error(`redocly build-docs failed (${redocly.status ?? redocly.signal})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const page = join(dist, 'index.html');
const rendered = readFileSync(page, 'utf8');
// build-docs without --inlineBundle (or a future default) would load Redoc from its CDN.
const external = externalLoad(rendered);
if (external) {
  throw new Error(`the page loads something from elsewhere: ${external}`);
}
const local = withLocalAssets(withoutPreRenderedPage(rendered));
const { html, policy } = withContentSecurityPolicy(local.html);
writeFileSync(page, html);

for (const file of [LOGO, ...local.files]) {
  copyFileSync(join(app, 'assets', file), join(dist, file));
}
copyFileSync(bundleJson, join(dist, 'openapi.json'));
copyFileSync(bundleYaml, join(dist, 'openapi.yaml'));

const kib = Math.ceil(Buffer.byteLength(html) / 1024);
console.log(`docs: dist/index.html (${kib} KiB, self-contained); Content-Security-Policy: ${policy.slice(0, 60)}…`);
const reference = buildSdkReference({ app, dist });
console.log(`docs: dist/sdk/ (the SDK reference, ${reference.pages} pages, by TypeDoc)`);
