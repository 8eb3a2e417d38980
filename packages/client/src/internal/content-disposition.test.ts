import { describe, expect, it } from 'vitest';
import { filenameFromContentDisposition, safeFilename } from './content-disposition.js';

const fallback = 'fallback.zip';
const parse = (header: string | null) => filenameFromContentDisposition(header, fallback);

describe('filenameFromContentDisposition', () => {
  it('reads the documented form', () => {
    expect(parse('attachment; filename="11111111-2222-3333-4444-555555555555.zip"')).toBe(
      '11111111-2222-3333-4444-555555555555.zip',
    );
  });

  it('reads unquoted and escaped forms', () => {
    expect(parse('attachment; filename=report.zip')).toBe('report.zip');
    expect(parse('attachment; filename="my \\"best\\" report.zip"')).toBe('my _best_ report.zip');
  });

  it('prefers filename* (RFC 5987) and decodes it', () => {
    expect(parse(`attachment; filename="plain.zip"; filename*=UTF-8''r%C3%A9sultat%20final.zip`)).toBe(
      'résultat final.zip',
    );
    expect(parse(`attachment; filename*=iso-8859-1'en'caf%E9.zip`)).toBe('café.zip');
  });

  it('falls back when there is no header, no name, or nothing safe left', () => {
    expect(parse(null)).toBe(fallback);
    expect(parse('attachment')).toBe(fallback);
    expect(parse('attachment; filename=""')).toBe(fallback);
    expect(parse('attachment; filename=".."')).toBe(fallback);
    expect(parse(`attachment; filename*=UTF-8''%E0%A4%A`)).toBe(fallback);
  });

  it('cuts a long name to 200 bytes of UTF-8 between whole characters, keeping its extension', () => {
    const bytes = (text: string) => Buffer.byteLength(text);
    const cjk = parse(`attachment; filename*=UTF-8''${encodeURIComponent(`${'報告'.repeat(60)}.zip`)}`); // 364 bytes
    expect(bytes(cjk)).toBeLessThanOrEqual(200);
    expect(cjk).toMatch(/^(報告)+報?\.zip$/);
    const emoji = safeFilename(`${'📦'.repeat(80)}.tar.gz`); // surrogate pairs: never cut in half
    expect(bytes(emoji)).toBeLessThanOrEqual(200);
    expect(emoji).toBe(`${'📦'.repeat(49)}.gz`); // 196 + 3 bytes
    expect(() => encodeURIComponent(emoji)).not.toThrow();
    expect(safeFilename('a'.repeat(300))).toBe('a'.repeat(200));
    expect(safeFilename('é'.repeat(100))).toBe('é'.repeat(100)); // exactly 200 bytes: kept whole
  });

  it('never lets a name leave the folder', () => {
    expect(parse('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(parse('attachment; filename="..\\\\..\\\\windows\\\\system.ini"')).toBe('system.ini');
    expect(parse(`attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys`)).toBe('authorized_keys');
    expect(parse('attachment; filename="/absolute/path.zip"')).toBe('path.zip');
    expect(parse('attachment; filename="C:\\\\temp\\\\x.zip"')).toBe('x.zip');
  });
});

describe('safeFilename', () => {
  it('removes control and reserved characters, leading dots and device names', () => {
    expect(safeFilename('a\u0000b\nc.zip')).toBe('a_b_c.zip');
    expect(safeFilename('what?<>.zip')).toBe('what___.zip');
    expect(safeFilename('.hidden.zip')).toBe('hidden.zip');
    expect(safeFilename('trailing. ')).toBe('trailing');
    expect(safeFilename('CON.zip')).toBe('_CON.zip');
    expect(safeFilename('x'.repeat(300))).toHaveLength(200);
  });
});

describe('a header that smuggles a second parameter inside a quoted name', () => {
  it('keeps the quoted text as one name (the parameter inside is not read)', () => {
    expect(parse(`attachment; filename="report;filename*=UTF-8''evil.exe"`)).toBe(`report;filename_=UTF-8''evil.exe`);
  });

  it('falls back on a header the RFC 6266 grammar refuses', () => {
    expect(parse('attachment; filename=a b.zip; filename=c.zip')).toBe(fallback);
  });
});
