import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { exitCodes } from '@mindzie/cli';
import * as client from '@mindzie/client';
import * as clientNode from '@mindzie/client/node';
import * as poller from '@mindzie/poller';
import * as pollerNode from '@mindzie/poller/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { curlSample, readTypeScriptSamples } from './code-samples.mjs';
import { inlineScriptHashes } from './csp.mjs';
import { readGuide } from './guide.mjs';
import { REDOC_ROUTER } from './hash-routes.mjs';
import { listOperations } from './operations.mjs';
import { externalLoad, htmlFiles, SDK_REFERENCE_DIR, SDK_REFERENCE_PAGE } from './sdk-reference.mjs';

// Reads what the build shipped (dist/, built by turbo before the tests run): the page
// embeds the definition and options Redoc hydrates from.
const dist = new URL('../dist/', import.meta.url);
const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@mindzie/spec/openapi.json'), 'utf8'));
let html = '';
let definition: any;
let options: any;

const embedded = (name: string) => {
  const match = html.match(new RegExp(`const ${name} = (.*);\\n`));
  if (!match?.[1]) {
    throw new Error(`dist/index.html embeds no ${name}`);
  }
  return JSON.parse(match[1]);
};

beforeAll(() => {
  if (!existsSync(new URL('index.html', dist))) {
    throw new Error('dist/index.html is missing: run the build first');
  }
  html = readFileSync(new URL('index.html', dist), 'utf8');
  definition = embedded('__redoc_definition');
  options = embedded('__redoc_options');
});

describe('the built page', () => {
  it('carries a TypeScript and a cURL sample on every operation of the spec', () => {
    const samples = readTypeScriptSamples(new URL('../samples/', import.meta.url).pathname);
    const specOperations = listOperations(spec);
    expect(specOperations.length).toBeGreaterThan(0);
    const built = new Map(listOperations(definition).map((op) => [op.operationId, op]));
    for (const op of specOperations) {
      const codeSamples = built.get(op.operationId)?.operation['x-codeSamples'] ?? [];
      expect(
        codeSamples.map((s: any) => s.label),
        op.operationId,
      ).toEqual(['TypeScript', 'cURL']);
      expect(codeSamples[0].source, op.operationId).toBe(samples.get(op.operationId));
      expect(codeSamples[1].source, op.operationId).toBe(curlSample(spec, op));
    }
  });

  it('tells Redoc to show both sample languages (it hides languages it is not told about)', () => {
    const keys = options.codeSamples.languages.map((l: { label: string }) => l.label);
    expect(keys).toEqual(['TypeScript', 'cURL']);
  });

  it('renders the contract unchanged apart from samples, the logo and the guide before its description', () => {
    const guide = readGuide(new URL('../guide/', import.meta.url).pathname);
    expect(guide.files.length).toBeGreaterThan(0);
    expect(definition.info.description.startsWith(guide.markdown.trim())).toBe(true);
    const strip = (doc: any) => {
      const copy = structuredClone(doc);
      delete copy.info['x-logo'];
      copy.info.description = copy.info.description.slice(guide.markdown.trim().length).trim();
      for (const op of listOperations(copy)) {
        delete op.operation['x-codeSamples'];
      }
      return copy;
    };
    expect(strip(definition)).toEqual({ ...spec, info: { ...spec.info, description: spec.info.description.trim() } });
    expect(definition.info['x-logo']).toEqual({ url: 'logo.svg', altText: 'mindzie SDK' });
    expect(existsSync(new URL('logo.svg', dist))).toBe(true);
  });

  it('routes by hash and renders on the client (no pre-rendered path links)', () => {
    expect(options.router).toBe(REDOC_ROUTER);
    expect(html).toMatch(/<div id="redoc"><\/div>\s*<script type="module">/);
    expect(html).not.toMatch(/href="\/(section|actions|action-executions|blocks)/);
  });

  it('ships the contract for download next to the page', () => {
    expect(JSON.parse(readFileSync(new URL('openapi.json', dist), 'utf8'))).toEqual(spec);
    expect(options.downloadUrls.map((d: { url: string }) => d.url)).toEqual(['openapi.json', 'openapi.yaml']);
    for (const { url } of options.downloadUrls) {
      expect(existsSync(new URL(url, dist)), url).toBe(true);
    }
  });

  it('declares a policy that allows no other origin and only its own inline scripts', () => {
    const policy = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1] ?? '';
    const directives: Record<string, string[]> = Object.fromEntries(
      policy.split('; ').map((directive) => {
        const [name = '', ...sources] = directive.split(' ');
        return [name, sources];
      }),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(inlineScriptHashes(html));
    expect(directives['script-src']?.length).toBeGreaterThan(0);
    // No host, scheme wildcard or http(s) source anywhere; data: only for images and fonts.
    for (const [name, sources] of Object.entries(directives)) {
      for (const source of sources ?? []) {
        expect(source, name).toMatch(/^'(self|none|unsafe-inline|sha256-[A-Za-z0-9+/=]+)'$|^data:$/);
      }
      if ((sources ?? []).includes('data:')) {
        expect(['img-src', 'font-src']).toContain(name);
      }
    }
    expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(html.search(/<script/i));
  });

  it('loads Redoc from the page itself, not from a CDN', () => {
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=["']?(https?:)?\/\//i);
    expect(html).not.toContain('cdn.redoc.ly/redoc/logo');
    expect(html).toContain('hydrate(__redoc_definition');
  });

  it("lists every exit code of the CLI in the guide, from the CLI's own table", () => {
    expect(exitCodes.map(({ code }) => code)).toContain(7);
    for (const { code, meaning } of exitCodes) {
      expect(definition.info.description, `exit code ${code}`).toContain(`| \`${code}\` |`);
      expect(definition.info.description, `exit code ${code}`).toContain(meaning);
    }
  });
});

describe('the SDK reference (dist/sdk/, by TypeDoc)', () => {
  const reference = fileURLToPath(new URL(`${SDK_REFERENCE_DIR}/`, dist));

  it('is linked from the guide, and no page of it loads anything from another host', () => {
    expect(definition.info.description).toContain(`](${SDK_REFERENCE_PAGE})`);
    const pages = htmlFiles(reference);
    expect(pages.length).toBeGreaterThan(20);
    for (const page of pages) {
      expect(externalLoad(readFileSync(page, 'utf8')), page).toBeUndefined();
    }
  });

  it('documents every value the client and the poller export, /node entries included', () => {
    const documented = new Set(
      ['functions', 'classes', 'variables'].flatMap((kind) =>
        readdirSync(new URL(`${SDK_REFERENCE_DIR}/${kind}/`, dist)).map((file) => file.replace(/\.html$/, '')),
      ),
    );
    const entries = {
      'client.index': client,
      'client.node': clientNode,
      'poller.index': poller,
      'poller.node': pollerNode,
    };
    for (const [module, exports] of Object.entries(entries)) {
      const names = Object.keys(exports);
      expect(names.length, module).toBeGreaterThan(0);
      for (const name of names) {
        expect(documented, `${module}.${name}`).toContain(`_mindzie_${module}.${name}`);
      }
    }
  });
});
