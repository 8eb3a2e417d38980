// The HTTP server: routes and request validation generated from the bundled spec
// (fastify-openapi-glue), one hook that logs, injects faults and checks the bearer token,
// and the operations behind each operationId.
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { adminPrefix, adminRoutes, type SandboxAdmin } from './admin.ts';
import type { FaultRegistry, FaultSpec } from './faults.ts';
import type { Operation, OperationId } from './operations.ts';
import { answerClientError, answerUnrouted, refusal, refusalOf } from './refusals.ts';
import type { RequestLog, RequestLogEntry } from './request-log.ts';
import { sandboxError } from './sandbox-error.ts';
import { exampleValue, loadSpec } from './spec.ts';
import type { SandboxState, TenantState } from './state.ts';
import { cutAfter } from './truncate.ts';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: TenantState | null;
    logEntry: RequestLogEntry | null;
    /** A fault to apply once the operation has run (phase `after`). */
    faultAfter: FaultSpec | null;
    /** Cut the response body after this many bytes (and announce the cut length or the full one). */
    truncateAt: { afterBytes: number; length: 'full' | 'cut' } | null;
    /** A `noRanges` fault applies: this download ignores Range and If-Range. */
    rangesOff: boolean;
  }
}

export interface ServerParts {
  state: SandboxState;
  faults: FaultRegistry;
  log: RequestLog;
  admin: SandboxAdmin;
  adminToken: string;
  operations: Record<OperationId, Operation>;
  info: () => unknown;
  /** Byte ranges and validators on downloads (`ranges: false` in the options turns them off). */
  ranges: boolean;
  /** The browser origin allowed by CORS (`*` for any); no CORS headers without it. */
  corsOrigin?: string;
}

/** `*`, or a bare origin: scheme, host and optional port, nothing after. */
export function isCorsOrigin(value: string): boolean {
  if (value === '*') {
    return true;
  }
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** What a browser page needs to read from answers: file names, back-off hints, sizes. */
const exposedHeaders = ['content-disposition', 'content-length', 'retry-after', 'www-authenticate'];

/** Request bodies above this are refused with 413 (the largest valid body is a few KiB of parameters). */
export const bodyLimit = 64 * 1024;

const unauthorizedText = exampleValue<string>('Unauthorized');
const bearer = /^Bearer\s+(\S+)\s*$/i;

export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const { state, faults, log, operations } = parts;
  const app = Fastify({
    logger: false,
    bodyLimit,
    // Any id that fits in the request's 16 KiB of headers is routed, so a long one gets a
    // 400 naming the parameter (the spec's maxLength), not a 404 from the router.
    routerOptions: { maxParamLength: 16 * 1024 },
    // What Node's parser refuses (garbage, headers over 16 KiB) is answered in the sandbox's words.
    clientErrorHandler: answerClientError,
    // A HEAD of execute-action would start an execution: only the spec's methods are served.
    exposeHeadRoutes: false,
    // close() must not wait for stalled requests or idle keep-alive connections.
    forceCloseConnections: true,
    return503OnClosing: false,
  });
  // Before the request hook: a preflight is answered here, unlogged and without a token
  // (browsers send none), and every answer, a 401 included, carries the CORS headers.
  if (parts.corsOrigin !== undefined) {
    await app.register(cors, { origin: parts.corsOrigin, exposedHeaders, maxAge: 600 });
  }
  app.decorateRequest('tenant', null);
  app.decorateRequest('logEntry', null);
  app.decorateRequest('faultAfter', null);
  app.decorateRequest('truncateAt', null);
  app.decorateRequest('rangesOff', false);

  // The spec takes JSON bodies only: another media type gets 415. An empty body is no body
  // whatever its Content-Type, as the optional body promises (generated clients send one);
  // an empty JSON body is validated as the empty object. Malformed JSON is a 400 that says so.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') {
      return done(null, {});
    }
    try {
      done(null, JSON.parse(text as string));
    } catch (error) {
      done(refusal(400, `Malformed JSON body: ${(error as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if ((body as Buffer).length === 0) {
      return done(null, undefined);
    }
    const type = request.headers['content-type'];
    const sent = type === undefined ? 'a body without a Content-Type' : `a ${type} body`;
    done(refusal(415, `Unsupported media type: ${sent}; a request body must be application/json`), undefined);
  });
  app.setNotFoundHandler(answerUnrouted);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.is404) {
      return answerUnrouted(request, reply); // an unrouted method refused before routing (QUERY without a body)
    }
    const { status, message } = refusalOf(error, bodyLimit);
    return reply.code(status).type('application/json; charset=utf-8').send(sandboxError(message));
  });

  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith(`${adminPrefix}/`)) {
      return done();
    }
    const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? null;
    const queryAt = request.url.indexOf('?');
    const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const entry = log.record(request.method, path, operationId);
    request.logEntry = entry;

    const authenticate = () => {
      if (operationId === null) {
        return done(); // not the API's: the 404 handler answers
      }
      const token = bearer.exec(request.headers.authorization ?? '')?.[1];
      const tenant = token === undefined ? undefined : state.tenantForToken(token);
      if (!tenant) {
        reply.code(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8').send(unauthorizedText);
        return;
      }
      request.tenant = tenant;
      done();
    };

    const plan = faults.size === 0 ? undefined : faults.take(request.method, path, operationId ?? undefined);
    if (!plan) {
      return authenticate();
    }
    const { effect } = plan;
    request.rangesOff = plan.noRanges;
    const proceed = () => {
      if (!effect) {
        entry.fault = plan.noRanges ? 'noRanges' : null;
        return authenticate();
      }
      entry.fault = effect.kind;
      if (effect.kind === 'truncate') {
        request.truncateAt = { afterBytes: effect.afterBytes, length: effect.length ?? 'full' };
        return authenticate();
      }
      if (effect.phase === 'after') {
        request.faultAfter = effect;
        return authenticate();
      }
      applyFault(effect, request, reply);
    };
    if (plan.latencyMs > 0) {
      setTimeout(proceed, plan.latencyMs).unref();
    } else {
      proceed();
    }
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const entry = request.logEntry;
    if (entry) {
      entry.status = reply.statusCode;
    }
    if (request.truncateAt === null) {
      return done(null, payload);
    }
    done(null, cutAfter(request, reply, payload, request.truncateAt.afterBytes, request.truncateAt.length));
  });

  const serviceHandlers = Object.fromEntries(
    Object.entries(operations).map(([operationId, operation]) => [
      operationId,
      async (request: FastifyRequest, reply: FastifyReply) => {
        const answer = await operation({
          tenant: request.tenant!,
          params: request.params as Record<string, string>,
          body: request.body,
          range: { range: request.headers.range, ifRange: oneHeader(request.headers['if-range']) },
          ranges: parts.ranges && !request.rangesOff,
        });
        if (request.faultAfter) {
          (answer.body as { destroy?: () => void } | null)?.destroy?.();
          applyFault(request.faultAfter, request, reply);
          return reply;
        }
        reply.code(answer.status);
        if (answer.headers) {
          reply.headers(answer.headers);
        }
        return reply.send(answer.body);
      },
    ]),
  );
  await app.register(openapiGlue, { specification: loadSpec(), serviceHandlers });
  await app.register(adminRoutes(parts.admin, parts.adminToken, parts.info), { prefix: adminPrefix });
  return app;
}

/** A header sent once (Node joins most repeated headers; a few arrive as arrays). */
function oneHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Answers a request the way an injected fault says (status, reset, stall or body). */
function applyFault(effect: FaultSpec, request: FastifyRequest, reply: FastifyReply): void {
  switch (effect.kind) {
    case 'status': {
      const retryAfter = effect.retryAfter ?? (effect.status === 429 ? 1 : undefined);
      if (retryAfter !== undefined) {
        reply.header('retry-after', String(retryAfter));
      }
      reply
        .code(effect.status)
        .type('text/plain; charset=utf-8')
        .send(`Fault injected by the sandbox: ${effect.status}`);
      return;
    }
    case 'reset':
      reply.hijack();
      request.raw.socket.destroy();
      return;
    case 'stall':
      // No answer at all; the socket closes when the client gives up or the sandbox closes.
      reply.hijack();
      return;
    case 'body':
      reply
        .code(effect.status ?? 200)
        .type(effect.contentType ?? 'text/html; charset=utf-8')
        .send(effect.body);
      return;
    default:
      throw new Error(`Fault ${effect.kind} is not applied here`);
  }
}
