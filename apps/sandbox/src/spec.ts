// The bundled contract, read once. Routes, validation, error strings and messages come
// from here so the sandbox never restates what the spec defines. The build inlines the
// bundle into dist/, so the published package needs no @mindzie/spec (which is private).
import bundled from '@mindzie/spec/openapi.json';

export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: {
    examples: Record<string, { value: unknown }>;
    [section: string]: unknown;
  };
  [key: string]: unknown;
}

/** A fresh copy of the bundled document (callers may mutate it). */
export function loadSpec(): OpenApiDocument {
  return structuredClone(bundled) as unknown as OpenApiDocument;
}

const spec = loadSpec();
const examples = spec.components.examples;

/** Every operationId of the spec, in document order. */
export const operationIds: string[] = Object.values(spec.paths).flatMap((item) =>
  Object.values(item).flatMap((operation) => {
    const operationId = (operation as { operationId?: unknown } | null)?.operationId;
    return typeof operationId === 'string' ? [operationId] : [];
  }),
);

/** The value of a named example under `components/examples`. */
export function exampleValue<T>(name: string): T {
  const example = examples[name];
  if (!example) {
    throw new Error(`The spec has no example named ${name}`);
  }
  return structuredClone(example.value) as T;
}

/**
 * A documented error body with the id of the request put in place of the example's id:
 * the example's keys and strings (and their casing) stay exactly as the spec has them.
 */
export function errorBodyFromExample<T extends object>(name: string, id: string): T {
  const body = exampleValue<Record<string, unknown>>(name);
  const idKeys = Object.keys(body).filter((key) => /id$/i.test(key));
  if (idKeys.length !== 1) {
    throw new Error(`Example ${name} should name exactly one id`);
  }
  body[idKeys[0]!] = id;
  return body as T;
}
