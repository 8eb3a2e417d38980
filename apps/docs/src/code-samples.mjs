// Puts a TypeScript and a cURL sample on every operation of the bundle (`x-codeSamples`).
// TypeScript samples are real files in samples/, type-checked against the current
// client and poller; cURL samples are derived from the operation itself, so neither can
// drift from the contract without the build noticing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listOperations, resolveRef } from './operations.mjs';

/** The two sample languages, as `x-codeSamples` entries and Redoc's `codeSamples.languages`. */
export const SAMPLE_LANGUAGES = [
  { lang: 'TypeScript', label: 'TypeScript' },
  { lang: 'curl', label: 'cURL' },
];
const [TYPESCRIPT, CURL] = /** @type {[{lang: string, label: string}, {lang: string, label: string}]} */ (
  SAMPLE_LANGUAGES
);

/** The shell variable that holds the bearer token in every cURL sample. */
export const TOKEN_VARIABLE = 'MINDZIE_TOKEN';

/**
 * Reads `samples/<operationId>.ts` files.
 * @param {string} directory
 * @returns {Map<string, string>} operationId → source
 */
export function readTypeScriptSamples(directory) {
  /** @type {Map<string, string>} */
  const samples = new Map();
  for (const file of readdirSync(directory).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
      continue;
    }
    samples.set(file.slice(0, -'.ts'.length), readFileSync(join(directory, file), 'utf8').trimEnd());
  }
  return samples;
}

/**
 * The shell variable a cURL sample uses for a parameter: `tenantId` → `TENANT_ID`.
 * @param {string} name
 */
export const shellVariable = (name) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\W/g, '_')
    .toUpperCase();
const singleQuoted = (/** @type {string} */ text) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * @param {import('./operations.mjs').Node} doc
 * @returns {string} the first server's URL with its variables' defaults filled in
 */
function serverUrl(doc) {
  const server = doc.servers?.[0];
  if (!server?.url) {
    throw new Error('the bundle names no server, so a cURL sample has no URL');
  }
  return server.url
    .replace(/\{(\w+)\}/g, (/** @type {string} */ _, /** @type {string} */ name) => {
      const value = server.variables?.[name]?.default;
      if (value === undefined) {
        throw new Error(`server variable ${name} has no default`);
      }
      return value;
    })
    .replace(/\/$/, '');
}

/**
 * @param {import('./operations.mjs').Node} doc
 * @param {import('./operations.mjs').Operation} op
 */
function usesBearerToken(doc, op) {
  const requirements = op.operation.security ?? doc.security ?? [];
  return requirements.some((/** @type {Record<string, unknown>} */ requirement) =>
    Object.keys(requirement).some((name) => {
      const scheme = resolveRef(doc, doc.components?.securitySchemes?.[name]);
      return scheme?.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer';
    }),
  );
}

/**
 * The JSON body a cURL sample sends: the operation's first documented example.
 * @param {import('./operations.mjs').Node} doc
 * @param {import('./operations.mjs').Operation} op
 * @returns {unknown}
 */
function jsonBodyExample(doc, op) {
  const media = resolveRef(doc, op.operation.requestBody)?.content?.['application/json'];
  if (!media) {
    return undefined;
  }
  if (media.example !== undefined) {
    return media.example;
  }
  const first = Object.values(media.examples ?? {})[0];
  return first === undefined ? {} : resolveRef(doc, first)?.value;
}

/**
 * Whether the operation's success answer is a file (not JSON), which cURL should save
 * under the name the server gives it.
 * @param {import('./operations.mjs').Node} doc
 * @param {import('./operations.mjs').Operation} op
 */
function answersWithFile(doc, op) {
  const success = Object.entries(op.operation.responses ?? {}).find(([status]) => /^2/.test(status));
  const media = Object.keys(resolveRef(doc, success?.[1])?.content ?? {});
  return media.length > 0 && !media.some((type) => /json|^text\//.test(type));
}

/**
 * A cURL command for the operation, built from its method, path, parameters, security
 * and documented request example.
 * @param {import('./operations.mjs').Node} doc
 * @param {import('./operations.mjs').Operation} op
 */
export function curlSample(doc, op) {
  /** @type {string[]} */
  const variables = [];
  const variable = (/** @type {string} */ name) => {
    const shell = shellVariable(name);
    if (!variables.includes(shell)) {
      variables.push(shell);
    }
    return shell;
  };

  const token = usesBearerToken(doc, op) ? variable(TOKEN_VARIABLE) : undefined;
  const path = op.path.replace(/\{(\w+)\}(\w?)/g, (_, name, next) =>
    next ? `\${${variable(name)}}${next}` : `$${variable(name)}`,
  );
  const query = op.parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${encodeURIComponent(p.name)}=$${variable(p.name)}`);
  const url = `${serverUrl(doc)}${path}${query.length ? `?${query.join('&')}` : ''}`;

  const file = answersWithFile(doc, op);
  const options = [file ? '-sS --fail --remote-name --remote-header-name' : '-sS --fail-with-body'];
  if (op.method !== 'get') {
    options.push(`-X ${op.method.toUpperCase()}`);
  }
  if (token) {
    options.push(`-H "Authorization: Bearer $${token}"`);
  }
  for (const header of op.parameters.filter((p) => p.in === 'header' && p.required)) {
    options.push(`-H "${header.name}: $${variable(header.name)}"`);
  }
  const body = jsonBodyExample(doc, op);
  if (body !== undefined) {
    options.push(`-H "Content-Type: application/json"`, `-d ${singleQuoted(JSON.stringify(body))}`);
  }

  const names = variables.length > 1 ? `${variables.slice(0, -1).join(', ')} and ${variables.at(-1)}` : variables[0];
  const lines = [`curl ${options[0]}`, ...options.slice(1), `"${url}"`];
  return [
    ...(names ? [`# ${names} hold your values.`] : []),
    ...(file ? ['# Saves the package under the name the server gives it.'] : []),
    lines.join(' \\\n  '),
  ].join('\n');
}

/** Raised when the samples and the operations do not match one to one. */
export class SampleMismatchError extends Error {
  /** @override */
  name = 'SampleMismatchError';
  /**
   * @param {string[]} missing operationIds without a TypeScript sample
   * @param {string[]} orphaned sample names that match no operation
   */
  constructor(missing, orphaned) {
    super(
      [
        missing.length ? `no TypeScript sample for ${missing.map((id) => `${id} (samples/${id}.ts)`).join(', ')}` : '',
        orphaned.length
          ? `samples for operations the spec does not have: ${orphaned.map((id) => `samples/${id}.ts`).join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
    this.missing = missing;
    this.orphaned = orphaned;
  }
}

/**
 * A copy of the bundle whose every operation carries a TypeScript and a cURL sample.
 * Throws SampleMismatchError when an operation has no TypeScript sample or a sample
 * names no operation, so a renamed operation fails the build instead of the reader.
 * @param {import('./operations.mjs').Node} doc
 * @param {Map<string, string>} typescriptSamples operationId → source
 * @returns {import('./operations.mjs').Node}
 */
export function withCodeSamples(doc, typescriptSamples) {
  const copy = structuredClone(doc);
  const operations = listOperations(copy);
  const ids = new Set(operations.map((op) => op.operationId));
  const missing = [...ids].filter((id) => !typescriptSamples.has(id));
  const orphaned = [...typescriptSamples.keys()].filter((id) => !ids.has(id));
  if (missing.length || orphaned.length) {
    throw new SampleMismatchError(missing, orphaned);
  }

  for (const op of operations) {
    op.operation['x-codeSamples'] = [
      { ...TYPESCRIPT, source: typescriptSamples.get(op.operationId) },
      { ...CURL, source: curlSample(copy, op) },
    ];
  }
  return copy;
}
