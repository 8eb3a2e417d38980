/**
 * The file name a `Content-Disposition` header suggests (RFC 6266: `filename*` wins over
 * `filename`), reduced to one safe path segment: no directories, no `..`, no control or
 * reserved characters. Falls back to `fallback` when nothing usable is left.
 */
export function filenameFromContentDisposition(header: string | null, fallback: string): string {
  let name: string | undefined;
  const extended = /(?:^|;)\s*filename\*\s*=\s*([\w-]*)'[^']*'([^;\s]*)/i.exec(header ?? '');
  if (extended) {
    try {
      name = /^(utf-8)?$/i.test(extended[1]!)
        ? decodeURIComponent(extended[2]!)
        : extended[2]!.replace(/%([\da-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))); // ISO-8859-1
    } catch {}
  } else {
    const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(header ?? '');
    name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  }
  return safeFilename(name ?? '') || fallback;
}

/** One path segment that cannot leave the folder it is joined to, or '' when none is left. */
export function safeFilename(name: string): string {
  const cleaned = name
    .split(/[/\\]/)
    .pop()!
    .replace(/[\0-\x1f\x7f<>:"|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 200);
  // Windows device names open the device, not a file.
  return /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(cleaned) ? `_${cleaned}` : cleaned;
}
