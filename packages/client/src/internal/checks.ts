import { InvalidArgumentError } from '../errors.js';

// The contract's ids are `format: uuid`; the server's are .NET GUIDs, which carry no
// RFC 4122 version bits, so only the shape is checked (as the spec's validators do).
const GUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

/** Throws an InvalidArgumentError naming `argument` unless `ok`. Values are never echoed: one may be a token. */
export function check(ok: unknown, argument: string, expected: string): void {
  if (!ok) {
    throw new InvalidArgumentError(argument, `${argument} must be ${expected}`);
  }
}

export const GUID_RULE = 'a GUID like 00000000-0000-0000-0000-000000000000';
export const isGuid = (value: unknown): boolean => typeof value === 'string' && GUID.test(value);

export function checkGuid(argument: string, value: unknown): void {
  check(isGuid(value), argument, GUID_RULE);
}

export const BASE_URL_RULE = 'an http(s) URL without credentials, query or /api';

/** The server's URL, or undefined when it is not a plain http(s) URL (credentials, query, `/api` are refused). */
export function plainBaseUrl(value: unknown): URL | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {}
  const plain = url && /^https?:$/.test(url.protocol) && !(url.username + url.password + url.search + url.hash);
  return plain && !/\/api\/?$/i.test(url!.pathname) ? url : undefined;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/** An HTTP field name: a token (RFC 9110 §5.1), so no space, colon or line break. */
export const isHeaderName = (name: string): boolean => /^[!#$%&'*+.^_`|~\w-]+$/.test(name);

/** A field value fetch and node:http would send: one line of Latin-1 (a line break could forge another header). */
export const isHeaderValue = (value: unknown): value is string =>
  typeof value === 'string' && /^[\t\x20-\x7e\x80-\xff]*$/.test(value);

export const TOKEN_RULE = 'a non-empty string without line breaks';

/** A token string that can be sent as `Authorization: Bearer …` (one line, not blank). */
export const validToken = (token: unknown): token is string =>
  typeof token === 'string' && token.trim() !== '' && isHeaderName('Authorization') && isHeaderValue(token);
