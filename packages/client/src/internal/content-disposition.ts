/**
 * The file name a `Content-Disposition` header suggests (RFC 6266: `filename*` wins over
 * `filename`), reduced to one safe path segment: no directories, no `..`, no control or
 * reserved characters. Falls back to `fallback` when nothing usable is left.
 */
export function filenameFromContentDisposition(header: string | null | undefined, fallback: string): string {
  const suggested = header ? (extendedFilename(header) ?? plainFilename(header)) : undefined;
  return (suggested !== undefined && safeFilename(suggested)) || fallback;
}

function extendedFilename(header: string): string | undefined {
  const match = /(?:^|;)\s*filename\*\s*=\s*([^']*)'[^']*'([^;]*)/i.exec(header);
  if (!match) return undefined;
  const charset = (match[1] ?? '').trim().toLowerCase();
  const encoded = (match[2] ?? '').trim();
  try {
    if (charset === 'utf-8' || charset === '') return decodeURIComponent(encoded);
    return encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))); // ISO-8859-1
  } catch {
    return undefined;
  }
}

function plainFilename(header: string): string | undefined {
  const match = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]?.trim();
}

/** One path segment that cannot leave the folder it is joined to, or '' when none is left. */
export function safeFilename(name: string): string {
  const lastSegment = name.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 200);
  return /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(cleaned) ? `_${cleaned}` : cleaned;
}
