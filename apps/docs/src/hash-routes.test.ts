import { describe, expect, it } from 'vitest';
import { withoutPreRenderedPage } from './hash-routes.mjs';

describe('withoutPreRenderedPage', () => {
  it("empties Redoc's container and keeps the module script after it", () => {
    const page =
      '<body><div id="redoc"><a href="/actions">Actions</a><div>x</div></div>\n' +
      '  <script type="module">hydrate()</script>';
    expect(withoutPreRenderedPage(page)).toBe(
      '<body><div id="redoc"></div>\n  <script type="module">hydrate()</script>',
    );
  });

  it('fails the build when the page has no such container (a changed redocly template)', () => {
    expect(() => withoutPreRenderedPage('<div id="app"></div><script type="module"></script>')).toThrow(/pre-rendered/);
  });
});
