// Every API request the sandbox saw, so tests can prove what a client sent (e.g. that
// execute went out exactly once). Bounded: it keeps at least the last `capacity` entries.

export interface RequestLogEntry {
  /** 1, 2, 3… in arrival order (keeps counting across a full log). */
  seq: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** The path without the query string. */
  path: string;
  /** The spec's operationId, or null for a path the spec does not have. */
  operationId: string | null;
  /** The status sent, or null when no answer was sent (reset, stall, client gone). */
  status: number | null;
  /** The injected fault that applied, if any. */
  fault: string | null;
}

export interface RequestFilter {
  method?: string;
  operationId?: string;
  /** Exact path. */
  path?: string;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = 10_000) {}

  /** Records an arrival; the caller fills in `status` and `fault` as they become known. */
  record(method: string, path: string, operationId: string | null): RequestLogEntry {
    const entry: RequestLogEntry = {
      seq: this.nextSeq++,
      time: new Date().toISOString(),
      method,
      path,
      operationId,
      status: null,
      fault: null,
    };
    this.entries.push(entry);
    // Trimmed in batches so a full log costs no copy per request.
    if (this.entries.length >= 2 * this.capacity) {
      this.entries = this.entries.slice(-this.capacity);
    }
    return entry;
  }

  list(filter: RequestFilter = {}): RequestLogEntry[] {
    const method = filter.method?.toUpperCase();
    return this.entries
      .filter(
        (entry) =>
          (method === undefined || entry.method === method) &&
          (filter.operationId === undefined || entry.operationId === filter.operationId) &&
          (filter.path === undefined || entry.path === filter.path),
      )
      .map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
