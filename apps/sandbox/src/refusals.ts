// The sandbox's own answers to requests it cannot serve, in its own words (the spec's
// SandboxError): malformed ids and bodies (400), unknown paths (404), methods a known path
// does not have (405 with Allow), bodies too large (413) or not JSON (415), and what Node's
// parser refuses before a request exists (400, 408, 431). Never a framework code or message.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sandboxError } from './sandbox-error.ts';
import { loadSpec } from './spec.ts';

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Each path of the spec as a pattern (one segment per parameter), with the methods it has. */
const specPaths = Object.entries(loadSpec().paths).map(([template, item]) => ({
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  methods: Object.keys(item)
    .filter((key) => httpMethods.has(key))
    .map((method) => method.toUpperCase()),
}));

/** The methods the spec has at this URL's path, or undefined for a path it does not know. */
export function allowedMethods(url: string): string[] | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  return specPaths.find(({ pattern }) => pattern.test(path))?.methods;
}

/** No route answered: 405 with Allow on a path of the spec, 404 elsewhere. */
export function answerUnrouted(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const allowed = allowedMethods(request.url);
  if (allowed && !allowed.includes(request.method)) {
    return reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send(sandboxError(`Method ${request.method} is not allowed here; this path takes ${allowed.join(', ')}`));
  }
  return reply.code(404).send(sandboxError(`No such path: ${request.method} ${request.url.split('?')[0]}`));
}

const where: Record<string, string> = {
  params: 'path parameter',
  querystring: 'query parameter',
  headers: 'header',
  body: 'body',
};

/** A validation failure in words: which part of the request, which field, what it must be. */
function validationMessage(error: FastifyError): string {
  const context = where[error.validationContext ?? ''] ?? 'request';
  const problems = (error.validation ?? []).map((problem) => {
    const field = problem.instancePath.replace(/^\//, '').replace(/\//g, '.');
    return `${context}${field ? ` ${field}` : ''} ${problem.message ?? 'is not valid'}`;
  });
  return `Invalid request: ${problems.join('; ') || context}`;
}

/** An error that answers `status` with `message` (the sandbox's own words, passed on as they are). */
export function refusal(status: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode: status, sandboxRefusal: true });
}

/** What an error raised while handling a request becomes: a status and the sandbox's message. */
export function refusalOf(error: FastifyError, bodyLimit: number): { status: number; message: string } {
  if (error.validation) {
    return { status: 400, message: validationMessage(error) };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `Request body too large: the limit is ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: 'Unsupported media type: a request body must be application/json' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: 'Content-Length does not match the body sent' };
    case 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE':
      return { status: 400, message: 'A request with a body needs a Content-Type' };
    default:
      break;
  }
  const status = error.statusCode ?? 500;
  if ((error as { sandboxRefusal?: boolean }).sandboxRefusal) {
    return { status, message: error.message };
  }
  if (status >= 400 && status < 500) {
    return { status, message: STATUS_CODES[status] ?? 'Bad request' };
  }
  return { status: 500, message: 'The sandbox failed on this request (a bug in the sandbox)' };
}

/**
 * Node's parser refused the bytes before there was a request to answer (garbage, an unknown
 * method, headers over the limit, a timeout): Fastify's hook for this writes to the socket
 * itself, as Node's default does; this one says what was wrong in the sandbox's words.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request headers too large: the limit is 16 KiB in all']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'Malformed HTTP request'];
  const body = JSON.stringify(sandboxError(message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
