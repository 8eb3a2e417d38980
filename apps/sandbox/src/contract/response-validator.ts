// Checks an HTTP answer against the bundled spec: the status is documented for the
// operation, the media type is one the spec lists, the body validates against the schema
// (JSON Schema 2020-12, as OpenAPI 3.1 says), and download headers name the file.
// Used by the contract suite and the fuzz to prove every answer matches the contract.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSpec } from '../spec.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface MediaType {
  schema?: unknown;
  examples?: Record<string, { $ref?: string; value?: unknown }>;
}
interface ResponseObject {
  $ref?: string;
  content?: Record<string, MediaType>;
}
interface DocumentedResponse {
  /** JSON pointer of the response object in the document (a `$ref` resolved). */
  at: string;
  content: Record<string, MediaType>;
}
export interface OperationInfo {
  operationId: string;
  method: string;
  pathTemplate: string;
  responses: Record<string, DocumentedResponse>;
  pattern: RegExp;
}

const spec = loadSpec();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const specId = 'mindzie-openapi';
ajv.addSchema({ ...spec, $id: specId } as object);

const pointer = (...parts: string[]) =>
  `/${parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

function resolve(at: string): unknown {
  return at
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], spec);
}

function documented(at: string): DocumentedResponse {
  const response = resolve(at) as ResponseObject;
  if (response.$ref) {
    return documented(response.$ref.slice(1));
  }
  return { at, content: response.content ?? {} };
}

/** Every operation of the spec with what it may answer. */
export const operations: OperationInfo[] = Object.entries(spec.paths).flatMap(([pathTemplate, item]) =>
  Object.entries(item as Record<string, { operationId?: string; responses?: Record<string, ResponseObject> }>)
    .filter(([, operation]) => operation?.operationId)
    .map(([method, operation]) => ({
      operationId: operation.operationId!,
      method: method.toUpperCase(),
      pathTemplate,
      responses: Object.fromEntries(
        Object.keys(operation.responses ?? {}).map((status) => [
          status,
          documented(pointer('paths', pathTemplate, method, 'responses', status)),
        ]),
      ),
      pattern: new RegExp(`^${pathTemplate.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
);

export function operationFor(method: string, path: string): OperationInfo | undefined {
  return operations.find((operation) => operation.method === method && operation.pattern.test(path));
}

/** The example a spec response lists, resolved. */
export function exampleOf(ref: { $ref?: string; value?: unknown }): { name: string; value: unknown } {
  if (!ref.$ref) {
    return { name: 'inline', value: ref.value };
  }
  const name = ref.$ref.split('/').at(-1)!;
  return { name, value: (spec.components.examples[name] as { value: unknown }).value };
}

export interface Checked {
  operation: OperationInfo;
  status: number;
  mediaType: string;
  /** Names of the documented examples this answer is an instance of (same error / status / message). */
  examples: string[];
  violations: string[];
}

/**
 * Checks one answer. `body` is the raw bytes; JSON and text are decoded here. A ZIP must
 * start with the local-file-header signature unless `binaryMangled` (Prism re-encodes it).
 */
export function checkResponse(
  method: string,
  path: string,
  status: number,
  headers: Headers,
  body: Uint8Array,
  options: { binaryMangled?: boolean } = {},
): Checked {
  const operation = operationFor(method, path);
  if (!operation) {
    throw new Error(`No operation of the spec serves ${method} ${path}`);
  }
  const violations: string[] = [];
  const mediaType = (headers.get('content-type') ?? '').split(';')[0]!.trim();
  const result: Checked = { operation, status, mediaType, examples: [], violations };
  const response = operation.responses[String(status)];
  if (!response) {
    violations.push(`${operation.operationId} does not document status ${status}`);
    return result;
  }
  const { content } = response;
  const media = content[mediaType];
  if (!media) {
    violations.push(
      `${operation.operationId} ${status}: content-type "${mediaType}" ` +
        `is not one of ${Object.keys(content).join(', ')}`,
    );
    return result;
  }
  let value: unknown;
  if (mediaType === 'application/json') {
    try {
      value = JSON.parse(new TextDecoder().decode(body));
    } catch {
      violations.push(`${operation.operationId} ${status}: body is not JSON`);
      return result;
    }
  } else if (mediaType.startsWith('text/')) {
    value = new TextDecoder().decode(body);
  } else if (mediaType === 'application/zip') {
    // A 206 carries a part of the ZIP, which need not start where the ZIP does.
    const zipSignature = body[0] === 0x50 && body[1] === 0x4b && body[2] === 0x03 && body[3] === 0x04;
    if (status === 200 && !options.binaryMangled && !zipSignature) {
      violations.push(`${operation.operationId} ${status}: body is not a ZIP`);
    }
    const disposition = headers.get('content-disposition') ?? '';
    const executionId = path.split('/').at(-1)!.toLowerCase();
    if (disposition !== `attachment; filename="${executionId}.zip"`) {
      violations.push(
        `${operation.operationId} ${status}: Content-Disposition "${disposition}" does not name ${executionId}.zip`,
      );
    }
    return result;
  }
  const schemaRef = `${specId}#${response.at}${pointer('content', mediaType, 'schema')}`;
  const validate = ajv.getSchema(schemaRef);
  if (!validate) {
    throw new Error(`Cannot compile the schema at ${schemaRef}`);
  }
  if (!validate(value)) {
    violations.push(
      `${operation.operationId} ${status}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })} ` +
        `in ${JSON.stringify(value).slice(0, 300)}`,
    );
  }
  result.examples = Object.values(media.examples ?? {})
    .map(exampleOf)
    .filter(({ value: example }) => isInstanceOf(value, example))
    .map(({ name }) => name);
  return result;
}

/** Same kind of answer as the example: the same error, status and message where the example has them. */
function isInstanceOf(value: unknown, example: unknown): boolean {
  if (typeof example !== 'object' || example === null) {
    return typeof value === typeof example;
  }
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  return ['error', 'Error', 'status', 'message'].every(
    (key) => !(key in example) || (example as Record<string, unknown>)[key] === (value as Record<string, unknown>)[key],
  );
}

/** Every documented (operation, status, example) the spec lists: what the contract suite must exercise. */
export function documentedResponses(): string[] {
  return operations.flatMap((operation) =>
    Object.entries(operation.responses).flatMap(([status, response]) => {
      const media = Object.values(response.content);
      const names = media.flatMap((entry) =>
        Object.values(entry.examples ?? {}).map((example) => exampleOf(example).name),
      );
      return names.length
        ? names.map((name) => `${operation.operationId} ${status} ${name}`)
        : [`${operation.operationId} ${status}`];
    }),
  );
}
