// Redoc's standalone bundle still fetches its "API docs by Redocly" attribution images
// from Redocly's CDN, even with --inlineBundle. The built page points them at local
// copies instead, so nothing leaves the host (the browser test checks every request).

/** CDN asset → file name in dist/ (the file is shipped from assets/). */
export const LOCAL_COPIES = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': 'redocly-attribution.svg',
  'https://cdn.redoc.ly/redoc/logo-mini.svg': 'redocly-attribution-mini.svg',
};

/**
 * Replaces every known CDN asset URL in the page with its local copy.
 * @param {string} html
 * @returns {{ html: string, files: string[] }} the page and the local files it now needs
 */
export function withLocalAssets(html) {
  /** @type {string[]} */
  const files = [];
  let result = html;
  for (const [remote, local] of Object.entries(LOCAL_COPIES)) {
    if (!result.includes(remote)) {
      continue;
    }
    result = result.split(remote).join(local);
    files.push(local);
  }
  return { html: result, files };
}
