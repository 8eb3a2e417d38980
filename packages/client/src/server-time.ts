// The server's timestamps as instants. .NET servers often write them without an offset
// (`2024-01-15T10:30:00`), which Date.parse reads as this machine's local time; they are UTC.

const NO_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;

/** Epoch ms of an ISO 8601 timestamp; one without an offset is read as UTC. NaN when unreadable. */
export function parseServerTime(text: string | null | undefined): number {
  if (typeof text !== 'string') {
    return Number.NaN;
  }
  const bare = NO_OFFSET.exec(text.trim());
  return Date.parse(bare ? `${bare[1]}T${bare[2]}Z` : text);
}
