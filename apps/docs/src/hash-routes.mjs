// Redoc routes by path by default (/section/errors, /actions/executeaction): a plain static
// host (GitHub Pages, a bucket) answers 404 when such a link is opened directly or the page
// is reloaded. Hash routes (#/section/errors) are resolved by the page itself, so every link
// works from the one index.html under any base path, with no rewrite rule or fallback page.
// The page redocly pre-renders was rendered for path routes, and React keeps a pre-rendered
// link's href when it hydrates, so it is dropped: Redoc renders on the client instead.

/** Redoc's `router` option. */
export const REDOC_ROUTER = 'hash';

const PRE_RENDERED = /(<div id="redoc">)[\s\S]*?(<\/div>\s*<script type="module">)/;

/**
 * The page with Redoc's container emptied (Redoc's hydrate() then renders from scratch).
 * @param {string} html
 */
export function withoutPreRenderedPage(html) {
  if (!PRE_RENDERED.test(html)) {
    throw new Error('the page has no pre-rendered <div id="redoc"> before its module script');
  }
  return html.replace(PRE_RENDERED, '$1$2');
}
