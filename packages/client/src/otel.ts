// @mindzie/client/otel: one OpenTelemetry span per attempt, as openapi-fetch middleware.
// `@opentelemetry/api` is an optional peer dependency: only this entry loads it.
import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { Middleware } from 'openapi-fetch';
import { redactText } from './internal/redact.js';
import type { AttemptParams } from './middleware/per-attempt.js';
import { VERSION } from './version.js';

export interface TracingOptions {
  /** Default: `trace.getTracer('@mindzie/client', version)` from the global tracer provider. */
  tracer?: Tracer;
}

/**
 * Middleware for `client.use(…)`: a CLIENT span per attempt (a retry is a span of its own, with
 * `http.request.resend_count`), child of whatever span is active where the call was made, with
 * the HTTP semantic-convention attributes and `mindzie.operation_id`. Failures set the span's
 * status and record the exception, the token masked. No header is recorded. Every span ends: the
 * task client tells each middleware how an attempt ended, even when a later one answered or threw.
 */
export function tracingMiddleware(options: TracingOptions = {}): Middleware {
  const tracer = options.tracer ?? trace.getTracer('@mindzie/client', VERSION);
  const spans = new Map<string, Span>();
  const finish = (id: string, update: (span: Span) => void) => {
    const span = spans.get(id);
    spans.delete(id);
    if (span) {
      update(span);
      span.end();
    }
  };
  return {
    onRequest(params) {
      // `attempt`: which call and try, given by the task client beside openapi-fetch's params (not by the raw client).
      const { request, schemaPath, id, attempt } = params as AttemptParams;
      const url = new URL(request.url);
      const attributes: Attributes = {
        'http.request.method': request.method,
        'url.full': url.origin + url.pathname,
        'url.template': schemaPath,
        'server.address': url.hostname,
        'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      };
      if (attempt) {
        attributes['mindzie.operation_id'] = attempt.operationId;
      }
      if (attempt?.number) {
        attributes['http.request.resend_count'] = attempt.number;
      }
      spans.set(id, tracer.startSpan(`${request.method} ${schemaPath}`, { kind: SpanKind.CLIENT, attributes }));
      return undefined;
    },
    onResponse({ response, id }) {
      finish(id, (span) => {
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400) {
          span.setAttribute('error.type', String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      });
      return undefined;
    },
    onError({ request, error, id }) {
      const secret = request.headers.get('Authorization')?.replace(/^Bearer /, '');
      finish(id, (span) => {
        const name = (error as Error)?.name ?? 'Error';
        const message = redactText(String((error as Error)?.message ?? error), secret);
        span.setAttribute('error.type', name);
        span.recordException({ name, message });
        span.setStatus({ code: SpanStatusCode.ERROR, message });
      });
      return undefined;
    },
  };
}
