import { describe, expect, it } from 'vitest';
import { externalLoad, withRootedNavigationLinks } from './sdk-reference.mjs';

const page = (base: string) =>
  `<html class="default" lang="en" data-base="${base}"><body>` +
  '<div id="tsd-toolbar-links"><a href="../index.html">Site</a></div>' +
  '<nav id="tsd-sidebar-links"><a href="../index.html" class="tsd-nav-link">Site</a></nav>' +
  '<a href="../index.html" class="title">Reference</a><a href="https://example.com/">Far</a></body></html>';

describe('withRootedNavigationLinks', () => {
  it('leaves a page at the root of the reference as TypeDoc wrote it', () => {
    expect(withRootedNavigationLinks(page('./'), { Site: '../index.html' })).toBe(page('./'));
  });

  it("prefixes a subfolder page's navigation links with its way back, and nothing else", () => {
    const rooted = withRootedNavigationLinks(page('../'), { Site: '../index.html', Far: 'https://example.com/' });
    expect(rooted.match(/<a href="[^"]*"[^>]*>Site<\/a>/g)).toEqual([
      '<a href="../../index.html">Site</a>',
      '<a href="../../index.html" class="tsd-nav-link">Site</a>',
    ]);
    expect(rooted).toContain('<a href="../index.html" class="title">Reference</a>');
    expect(rooted).toContain('<a href="https://example.com/">Far</a>');
  });

  it('refuses a page it cannot place', () => {
    expect(() => withRootedNavigationLinks('<html><body></body></html>', {})).toThrow(/data-base/);
  });
});

describe('externalLoad', () => {
  it('finds a script, stylesheet or image from another host, and not a plain link', () => {
    expect(externalLoad('<script src="https://cdn.example/x.js"></script>')).toMatch(/cdn\.example/);
    expect(externalLoad('<link rel="stylesheet" href="//cdn.example/x.css">')).toMatch(/cdn\.example/);
    expect(externalLoad('<script src="assets/main.js"></script><a href="https://example.com/">x</a>')).toBeUndefined();
  });
});
