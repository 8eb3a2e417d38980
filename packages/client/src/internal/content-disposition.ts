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

/**
 * Bytes of UTF-8 a name may take. File systems allow 255 (ext4, APFS); the rest is room for
 * the temporary file's name around it (`.{name}.{12 hex}.part`).
 */
const MAX_NAME_BYTES = 200;

/** One path segment that cannot leave the folder it is joined to, or '' when none is left. */
export function safeFilename(name: string): string {
  const cleaned = fitBytes(
    name
      .split(/[/\\]/)
      .pop()!
      .replace(/[\0-\x1f\x7f<>:"|?*]/g, '_')
      .replace(/^[\s.]+|[\s.]+$/g, ''),
  ).replace(/[\s.]+$/, '');
  // Windows device names open the device, not a file.
  return /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(cleaned) ? `_${cleaned}` : cleaned;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** `name` cut to MAX_NAME_BYTES of UTF-8 between whole characters, its extension kept. */
function fitBytes(name: string): string {
  if (name.length <= MAX_NAME_BYTES / 4 || utf8Bytes(name) <= MAX_NAME_BYTES) return name;
  const extension = /\.[^.\s]{1,10}$/.exec(name)?.[0] ?? '';
  let room = MAX_NAME_BYTES - utf8Bytes(extension);
  let stem = '';
  for (const character of name.slice(0, name.length - extension.length)) {
    room -= utf8Bytes(character);
    if (room < 0) break;
    stem += character;
  }
  return stem + extension;
}
