import { InvalidArgumentError } from '../errors.js';

// The contract's ids are `format: uuid`; the server's are .NET GUIDs, which carry no
// RFC 4122 version bits, so only the shape is checked (as the spec's validators do).
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws an InvalidArgumentError naming `argument` unless `value` is a GUID string. */
export function assertGuid(argument: string, value: unknown): asserts value is string {
  if (typeof value === 'string' && GUID.test(value)) return;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  throw new InvalidArgumentError(
    argument,
    `${argument} must be a GUID such as 00000000-0000-0000-0000-000000000000; got ${shown}`,
  );
}
