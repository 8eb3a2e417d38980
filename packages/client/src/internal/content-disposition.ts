import contentDisposition from 'content-disposition';

/**
 * The file name a `Content-Disposition` header suggests (RFC 6266, parsed by the
 * `content-disposition` package: `filename*` wins over `filename`), reduced to one safe path
 * segment: no directories, no `..`, no control or reserved characters. Falls back to `fallback`
 * when the header is absent or malformed, or nothing usable is left.
 */
export function filenameFromContentDisposition(header: string | null, fallback: string): string {
  let name: unknown;
  try {
    name = header === null ? undefined : contentDisposition.parse(header).parameters.filename;
  } catch {} // a malformed header suggests nothing
  return safeFilename(typeof name === 'string' ? name : '') || fallback;
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
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced.
      .replace(/[\0-\x1f\x7f<>:"|?*]/g, '_')
      .replace(/^[\s.]+|[\s.]+$/g, ''),
  ).replace(/[\s.]+$/, '');
  // Windows device names open the device, not a file.
  return /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(cleaned) ? `_${cleaned}` : cleaned;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** `name` cut to MAX_NAME_BYTES of UTF-8 between whole characters, its extension kept. */
function fitBytes(name: string): string {
  if (name.length <= MAX_NAME_BYTES / 4 || utf8Bytes(name) <= MAX_NAME_BYTES) {
    return name;
  }
  const extension = /\.[^.\s]{1,10}$/.exec(name)?.[0] ?? '';
  let room = MAX_NAME_BYTES - utf8Bytes(extension);
  let stem = '';
  for (const character of name.slice(0, name.length - extension.length)) {
    room -= utf8Bytes(character);
    if (room < 0) {
      break;
    }
    stem += character;
  }
  return stem + extension;
}
