// The built page declares its own Content-Security-Policy, so the browser itself refuses
// anything from another origin, and hosts can copy the same policy into a header.
// Redoc needs its inline scripts (allowed by hash) and inline styles (styled-components).
import { createHash } from 'node:crypto';

const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi;
const MARKER = '<!-- content-security-policy -->';

/**
 * `'sha256-…'` sources for every inline script of the page, in page order.
 * @param {string} html
 * @returns {string[]}
 */
export function inlineScriptHashes(html) {
  return [...html.matchAll(INLINE_SCRIPT)].map(
    ([, body]) =>
      `'sha256-${createHash('sha256')
        .update(body ?? '', 'utf8')
        .digest('base64')}'`,
  );
}

/**
 * The policy for a page: nothing from another origin, scripts only by hash.
 * @param {string} html
 */
export function contentSecurityPolicy(html) {
  return [
    "default-src 'none'",
    `script-src ${inlineScriptHashes(html).join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:", // Redoc embeds its icon font as a data: URI
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Puts the policy in a `<meta http-equiv>` tag where the template left its marker
 * (before any script, so it applies to all of them).
 * @param {string} html
 * @returns {{ html: string, policy: string }}
 */
export function withContentSecurityPolicy(html) {
  const at = html.indexOf(MARKER);
  if (at < 0) {
    throw new Error(`the page template has no ${MARKER} marker`);
  }
  const firstScript = html.search(/<script/i);
  if (firstScript >= 0 && firstScript < at) {
    throw new Error('the policy marker must come before the first script');
  }
  const policy = contentSecurityPolicy(html);
  return { html: html.replace(MARKER, `<meta http-equiv="Content-Security-Policy" content="${policy}">`), policy };
}
