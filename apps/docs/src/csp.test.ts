import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineScriptHashes, withContentSecurityPolicy } from './csp.mjs';

const page = (head: string, body = '') => `<html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the page content security policy', () => {
  it('allows each inline script by the hash of its exact text, and no script with a src', () => {
    const html = page(
      '<!-- content-security-policy --><script>a()</script>',
      '<script type="module">\n  b()\n</script><script src="x.js"></script>',
    );
    expect(inlineScriptHashes(html)).toEqual([sha256('a()'), sha256('\n  b()\n')]);
    const { policy } = withContentSecurityPolicy(html);
    expect(policy).toContain(`script-src ${sha256('a()')} ${sha256('\n  b()\n')};`);
    expect(policy).toMatch(/^default-src 'none';/);
    expect(policy).not.toMatch(/https?:|\*|unsafe-eval/);
  });

  it('puts the policy where the template marks it, before every script', () => {
    const { html, policy } = withContentSecurityPolicy(page('<!-- content-security-policy --><script>a()</script>'));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${policy}"><script>`);
  });

  it('refuses a template without the marker or with a script before it', () => {
    expect(() => withContentSecurityPolicy(page('<script>a()</script>'))).toThrow(/marker/);
    expect(() => withContentSecurityPolicy(page('<script>a()</script><!-- content-security-policy -->'))).toThrow(
      /before the first script/,
    );
  });
});
