// Faults tests can inject: the next N requests that match answer with an error status,
// lose their connection, never get an answer, get a body cut short, or wait first.
import { SandboxInputError } from './errors.ts';
import { operationIds } from './spec.ts';

/** Which requests a fault applies to. Every given field must match; none given matches every API request. */
export interface FaultMatch {
  /** HTTP method, e.g. `GET`. */
  method?: string;
  /** The request path (no query). `*` matches within one segment, `**` across segments. */
  path?: string;
  /** The spec's operationId, e.g. `executeAction`. */
  operationId?: string;
}

export type FaultEffect =
  /** Answer this status instead (429 sends `Retry-After`, 1 s unless given). */
  | { kind: 'status'; status: 429 | 500 | 502 | 503; retryAfter?: number }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** Never answer; the connection stays open until the client gives up. */
  | { kind: 'stall' }
  /**
   * Send the headers and only the first `afterBytes` bytes of the body, then close. `length`:
   * `full` (default) announces the whole body's Content-Length (the client sees a cut stream);
   * `cut` announces the bytes sent (a complete answer whose body is cut, as some proxies pass it on).
   */
  | { kind: 'truncate'; afterBytes: number; length?: 'full' | 'cut' }
  /** Answer this body instead (a gateway's HTML page on a 200, say); `status` 200 unless given. */
  | { kind: 'body'; body: string; status?: 200 | 202; contentType?: string }
  /** Wait `ms` before handling the request normally. */
  | { kind: 'latency'; ms: number }
  /**
   * Handle the request as if the sandbox had no byte ranges (as `ranges: false`): a download
   * ignores Range and If-Range and answers the whole package without Accept-Ranges, ETag or
   * Last-Modified. Adds up with another fault (a `truncate`, say), as `latency` does.
   */
  | { kind: 'noRanges' };

export type FaultSpec = FaultMatch &
  FaultEffect & {
    /** How many matching requests it applies to (default 1), or `always`. */
    times?: number | 'always';
    /**
     * `before` (default): the request is not handled (an execute creates nothing).
     * `after`: the request is handled first (an execute creates its execution), then the
     * fault replaces the answer. Applies to `status`, `reset`, `stall` and `body`; a
     * `truncate` always cuts the real answer, so the request is always handled.
     */
    phase?: 'before' | 'after';
  };

export interface Fault {
  id: number;
  spec: FaultSpec;
  /** Matching requests it still applies to. */
  remaining: number | 'always';
}

/** The faults picked for one request: latencies and `noRanges` add up; at most one other effect applies. */
export interface FaultPlan {
  latencyMs: number;
  noRanges: boolean;
  effect: FaultSpec | undefined;
}

const effectKinds = new Set(['status', 'reset', 'stall', 'truncate', 'latency', 'body', 'noRanges']);
/** Kinds that modify how a request is handled and add up with one other fault. */
const modifierKinds = new Set(['latency', 'noRanges']);
const bodyStatuses = new Set([200, 202]);
const afterKinds = ['status', 'reset', 'stall', 'body'];
const faultStatuses = new Set([429, 500, 502, 503]);

/** Checks a fault that came from outside (JSON over the admin API or a test). */
export function checkFaultSpec(spec: FaultSpec): FaultSpec {
  const fail = (what: string): never => {
    throw new SandboxInputError(`Invalid fault: ${what}`);
  };
  if (typeof spec !== 'object' || spec === null) {
    fail('must be an object');
  }
  if (!effectKinds.has(spec.kind)) {
    fail(`kind must be one of ${[...effectKinds].join(', ')}`);
  }
  if (spec.kind === 'status' && !faultStatuses.has(spec.status)) {
    fail(`status must be one of ${[...faultStatuses].join(', ')}`);
  }
  if (
    spec.kind === 'status' &&
    spec.retryAfter !== undefined &&
    !(Number.isInteger(spec.retryAfter) && spec.retryAfter >= 0)
  ) {
    fail('retryAfter must be a whole number of seconds >= 0');
  }
  if (spec.kind === 'truncate' && !(Number.isInteger(spec.afterBytes) && spec.afterBytes >= 0)) {
    fail('afterBytes must be a whole number >= 0');
  }
  if (spec.kind === 'truncate' && spec.length !== undefined && spec.length !== 'full' && spec.length !== 'cut') {
    fail('length must be "full" or "cut"');
  }
  if (spec.kind === 'body' && typeof spec.body !== 'string') {
    fail('body must be a string');
  }
  if (spec.kind === 'body' && spec.status !== undefined && !bodyStatuses.has(spec.status)) {
    fail(`status must be one of ${[...bodyStatuses].join(', ')}`);
  }
  if (spec.kind === 'body' && spec.contentType !== undefined && typeof spec.contentType !== 'string') {
    fail('contentType must be a string');
  }
  if (spec.kind === 'latency' && !(Number.isFinite(spec.ms) && spec.ms >= 0)) {
    fail('ms must be a number >= 0');
  }
  if (spec.times !== undefined && spec.times !== 'always' && !(Number.isInteger(spec.times) && spec.times > 0)) {
    fail('times must be a whole number > 0 or "always"');
  }
  if (spec.phase !== undefined && spec.phase !== 'before' && spec.phase !== 'after') {
    fail('phase must be "before" or "after"');
  }
  if (spec.phase === 'after' && !afterKinds.includes(spec.kind)) {
    fail(`phase "after" applies to ${afterKinds.join(', ')} only`);
  }
  for (const key of ['method', 'path', 'operationId'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') {
      fail(`${key} must be a string`);
    }
  }
  if (spec.operationId !== undefined && !operationIds.includes(spec.operationId)) {
    fail(`operationId "${spec.operationId}" is not in the spec (${operationIds.join(', ')})`);
  }
  return spec;
}

function pathMatcher(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const source = escaped.replace(/\*\*|\*/g, (star) => (star === '**' ? '.*' : '[^/]*'));
  return new RegExp(`^${source}$`, 'i');
}

interface ArmedFault {
  id: number;
  spec: FaultSpec;
  remaining: number;
  path: RegExp | undefined;
}

export class FaultRegistry {
  private faults: ArmedFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    checkFaultSpec(spec);
    const fault: ArmedFault = {
      id: this.nextId++,
      spec: { ...spec },
      remaining: spec.times === 'always' ? Infinity : (spec.times ?? 1),
      path: spec.path === undefined ? undefined : pathMatcher(spec.path),
    };
    this.faults.push(fault);
    return this.describe(fault);
  }

  list(): Fault[] {
    return this.faults.map((fault) => this.describe(fault));
  }

  clear(): void {
    this.faults = [];
  }

  get size(): number {
    return this.faults.length;
  }

  /** Picks and uses up the faults for one request (in the order they were added). */
  take(method: string, path: string, operationId: string | undefined): FaultPlan | undefined {
    if (this.faults.length === 0) {
      return undefined;
    }
    let latencyMs = 0;
    let noRanges = false;
    let effect: FaultSpec | undefined;
    for (const fault of this.faults) {
      const { spec } = fault;
      if (!modifierKinds.has(spec.kind) && effect) {
        continue;
      }
      if (spec.method !== undefined && spec.method.toUpperCase() !== method) {
        continue;
      }
      if (spec.operationId !== undefined && spec.operationId !== operationId) {
        continue;
      }
      if (fault.path && !fault.path.test(path)) {
        continue;
      }
      fault.remaining -= 1;
      if (spec.kind === 'latency') {
        latencyMs += spec.ms;
      } else if (spec.kind === 'noRanges') {
        noRanges = true;
      } else {
        effect = spec;
      }
    }
    this.faults = this.faults.filter((fault) => fault.remaining > 0);
    return latencyMs > 0 || noRanges || effect ? { latencyMs, noRanges, effect } : undefined;
  }

  private describe({ id, spec, remaining }: ArmedFault): Fault {
    return { id, spec: { ...spec }, remaining: remaining === Infinity ? 'always' : remaining };
  }
}
