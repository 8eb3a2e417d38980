import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOCAL_COPIES, withLocalAssets } from './local-assets.mjs';

describe('withLocalAssets', () => {
  it('points every known CDN asset at its local copy and names the files to ship', () => {
    const html = `<img src="${Object.keys(LOCAL_COPIES).join('"><img src="')}">`;
    const { html: local, files } = withLocalAssets(html);
    expect(local).not.toMatch(/https?:/);
    expect(files).toEqual(Object.values(LOCAL_COPIES));
  });

  it('ships nothing for assets the page does not use', () => {
    expect(withLocalAssets('<p>no assets</p>')).toEqual({ html: '<p>no assets</p>', files: [] });
  });

  it('has every local copy in assets/', () => {
    for (const file of Object.values(LOCAL_COPIES)) {
      expect(existsSync(new URL(`../assets/${file}`, import.meta.url)), file).toBe(true);
    }
  });
});
