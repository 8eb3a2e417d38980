// The test-control surface: faults, the request log, the clock and reset. Served over
// HTTP under a reserved prefix outside the API (never in the spec), behind its own token,
// and offered in-process as `sandbox.admin` with the same behaviour.
import type { FastifyInstance } from 'fastify';
import type { Clock } from './clock.ts';
import { SandboxInputError } from './errors.ts';
import type { Fault, FaultRegistry, FaultSpec } from './faults.ts';
import type { RequestFilter, RequestLog, RequestLogEntry } from './request-log.ts';
import { operationIds } from './spec.ts';
import type { SandboxState } from './state.ts';

export const adminPrefix = '/__sandbox';

export interface SandboxAdmin {
  /** Arms a fault for the next matching API requests. */
  injectFault(spec: FaultSpec): Fault;
  /** The faults still armed. */
  faults(): Fault[];
  clearFaults(): void;
  /** API requests seen so far (oldest first), optionally filtered. */
  requests(filter?: RequestFilter): RequestLogEntry[];
  clearRequests(): void;
  /** Moves the sandbox clock forward, so executions progress without waiting. */
  advanceTime(ms: number): void;
  /** Back to the fixture: forgets executions, faults, the request log and clock moves. */
  reset(): void;
}

export function createAdmin(state: SandboxState, faults: FaultRegistry, log: RequestLog, clock: Clock): SandboxAdmin {
  return {
    injectFault: (spec) => faults.add(spec),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    requests(filter) {
      if (filter?.operationId !== undefined && !operationIds.includes(filter.operationId)) {
        throw new SandboxInputError(
          `requests(): operationId "${filter.operationId}" is not in the spec (${operationIds.join(', ')})`,
        );
      }
      return log.list(filter);
    },
    clearRequests: () => log.clear(),
    advanceTime(ms) {
      if (!(Number.isFinite(ms) && ms >= 0)) {
        throw new SandboxInputError(`advanceTime needs a number of ms >= 0 (got ${ms})`);
      }
      clock.advance(ms);
    },
    reset() {
      state.reset();
      faults.clear();
      log.clear();
      clock.reset();
    },
  };
}

/** The admin HTTP API (see README): JSON in and out, `Authorization: Bearer {adminToken}`. */
export function adminRoutes(admin: SandboxAdmin, adminToken: string, info: () => unknown) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.headers.authorization !== `Bearer ${adminToken}`) {
        reply.code(401).send({ error: 'The admin API needs Authorization: Bearer {adminToken}' });
        return;
      }
      done();
    });
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      const status = error instanceof SandboxInputError ? 400 : (error.statusCode ?? 500);
      reply.code(status).send({ error: error.message });
    });

    app.get('/info', async () => info());
    app.get('/faults', async () => ({ faults: admin.faults() }));
    app.post('/faults', async (request, reply) => reply.code(201).send(admin.injectFault(request.body as FaultSpec)));
    app.delete('/faults', async (_request, reply) => {
      admin.clearFaults();
      return reply.code(204).send();
    });
    app.get('/requests', async (request) => {
      const query = request.query as Record<string, unknown>;
      const filter: RequestFilter = {};
      for (const key of ['method', 'operationId', 'path'] as const) {
        if (typeof query[key] === 'string') {
          filter[key] = query[key];
        }
      }
      return { requests: admin.requests(filter) };
    });
    app.delete('/requests', async (_request, reply) => {
      admin.clearRequests();
      return reply.code(204).send();
    });
    app.post('/clock/advance', async (request, reply) => {
      admin.advanceTime(Number((request.body as { ms?: unknown } | undefined)?.ms));
      return reply.code(204).send();
    });
    app.post('/reset', async (_request, reply) => {
      admin.reset();
      return reply.code(204).send();
    });
  };
}
