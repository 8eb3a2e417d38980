// Branding lives in the docs build, not in the contract: the spec stays vendor-neutral,
// and the site adds its logo here.

/**
 * A copy of the bundle with the site's logo (`info.x-logo`), which Redoc shows above
 * the navigation.
 * @param {import('./operations.mjs').Node} doc
 * @param {{ logoUrl: string, altText: string }} logo
 * @returns {import('./operations.mjs').Node}
 */
export function withBranding(doc, { logoUrl, altText }) {
  const copy = structuredClone(doc);
  copy.info = { ...copy.info, 'x-logo': { url: logoUrl, altText } };
  return copy;
}
