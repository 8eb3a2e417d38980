import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The bundle is what every consumer reads; these checks pin the contract details that
// are easy to lose in an edit: exact error strings, key casing, statuses and media types.
const bundle = JSON.parse(readFileSync(new URL('./dist/openapi.json', import.meta.url), 'utf8'));
const yamlBundle = parse(readFileSync(new URL('./dist/openapi.yaml', import.meta.url), 'utf8'));

type Operation = { operationId: string; responses: Record<string, any>; requestBody?: any };
const operations: Array<[string, string, Operation]> = Object.entries<any>(bundle.paths).flatMap(([path, item]) =>
  ['get', 'post', 'put', 'patch', 'delete']
    .filter((m) => item[m])
    .map((m) => [path, m, item[m]] as [string, string, Operation]),
);
const op = (id: string) => {
  const found = operations.find(([, , o]) => o.operationId === id);
  if (!found) {
    throw new Error(`operation ${id} is missing`);
  }
  return found;
};
const resolve = (node: any): any =>
  node && typeof node.$ref === 'string'
    ? resolve(
        node.$ref
          .slice(2)
          .split('/')
          .reduce((n: any, k: string) => n[k], bundle),
      )
    : node;
const exampleValues = (response: any, media = 'application/json') =>
  Object.values<any>(resolve(response).content[media].examples ?? {}).map((e) => resolve(e).value);

describe('the bundled contract', () => {
  it('has the same content as YAML and as JSON', () => {
    expect(yamlBundle).toEqual(bundle);
  });

  it('holds exactly the seven operations at their documented methods and paths', () => {
    const seen = operations.map(([path, method, o]) => `${o.operationId} ${method.toUpperCase()} ${path}`);
    expect(seen.sort()).toEqual(
      [
        'downloadActionExecutionPackage GET /api/{tenantId}/{projectId}/actionexecution/downloadpackage/{executionId}',
        'executeAction GET /api/{tenantId}/{projectId}/action/execute/{actionId}',
        'executeBlock POST /api/{tenantId}/{projectId}/block/{blockId}/execute',
        'getActionExecution GET /api/{tenantId}/{projectId}/actionexecution/{executionId}',
        'getBlockResults GET /api/{tenantId}/{projectId}/block/{blockId}/results',
        'getLastActionExecution GET /api/{tenantId}/{projectId}/actionexecution/lastaction/{actionId}',
        'listActionExecutions GET /api/{tenantId}/{projectId}/actionexecution/action/{actionId}',
      ].sort(),
    );
  });

  it('documents every status code of every operation', () => {
    const statuses = Object.fromEntries(operations.map(([, , o]) => [o.operationId, Object.keys(o.responses).sort()]));
    expect(statuses).toEqual({
      executeAction: ['200', '400', '401', '404', '431'],
      listActionExecutions: ['200', '400', '401', '431'],
      getLastActionExecution: ['200', '400', '401', '404', '431'],
      getActionExecution: ['200', '400', '401', '404', '431'],
      downloadActionExecutionPackage: ['200', '206', '400', '401', '404', '416', '431'],
      executeBlock: ['202', '400', '401', '404', '413', '415', '431'],
      getBlockResults: ['200', '400', '401', '404', '431'],
    });
  });

  it("marks the sandbox's own answers x-sandbox-only, with a loose error schema a real server can meet", () => {
    const vendors = new Set(['200', '202', '401', '404']);
    for (const [, , o] of operations) {
      for (const [status, response] of Object.entries(o.responses)) {
        expect(resolve(response)['x-sandbox-only'] === true, `${o.operationId} ${status}`).toBe(!vendors.has(status));
      }
    }
    const schema = bundle.components.schemas.SandboxError;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: true, 'x-sandbox-only': true });
    expect(schema.required).toBeUndefined();
    expect(exampleValues(op('getActionExecution')[2].responses['400'])).toEqual([
      { error: 'Invalid request: path parameter projectId must match format "uuid"' },
    ]);
    expect(bundle.info.description).toContain("## The sandbox's own answers (`x-sandbox-only`)");
  });

  it('bounds every id: format uuid and at most 36 characters, as parameters and in bodies', () => {
    for (const [, , o] of operations) {
      for (const parameter of [...((o as any).parameters ?? [])].map(resolve).filter((p: any) => p.in === 'path')) {
        expect(parameter.schema, parameter.name).toEqual({ type: 'string', format: 'uuid', maxLength: 36 });
      }
    }
    const pathParameters = Object.values<any>(bundle.paths).flatMap((item) => (item.parameters ?? []).map(resolve));
    expect(pathParameters.length).toBeGreaterThanOrEqual(21);
    for (const parameter of pathParameters) {
      expect(parameter.schema, parameter.name).toEqual({ type: 'string', format: 'uuid', maxLength: 36 });
    }
    const ids = Object.values<any>(bundle.components.schemas).flatMap((schema) =>
      Object.values<any>(schema.properties ?? {}).filter((property) => property.format === 'uuid'),
    );
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(ids.every((property) => property.maxLength === 36)).toBe(true);
  });

  it('describes the server itself, not its variable (where generators look for it)', () => {
    const [server] = bundle.servers;
    expect(server.description).toMatch(/^Your mindzieStudio instance \(production or test\)/);
    expect(server.variables.instance.description).toBeUndefined();
    expect(server['x-internal']).toBe(false);
  });

  it('keeps each 404 body with its exact strings and key casing', () => {
    const notFound = (id: string) => exampleValues(op(id)[2].responses['404']);
    expect(notFound('executeAction')).toEqual([
      { error: 'Action not found', actionId: expect.any(String) },
      { error: "Action can't create execution", actionId: expect.any(String) },
    ]);
    expect(notFound('getLastActionExecution')).toEqual([{ error: "Can't find action", actionId: expect.any(String) }]);
    expect(notFound('getActionExecution')).toEqual([{ error: "Can't find action", executionId: expect.any(String) }]);
    expect(notFound('downloadActionExecutionPackage')).toEqual([
      { error: 'Execution not found', executionId: expect.any(String) },
      { error: 'Zip file not found', executionId: expect.any(String) },
    ]);
    for (const id of ['executeBlock', 'getBlockResults']) {
      expect(notFound(id)).toEqual([{ Error: 'Block not found', BlockId: expect.any(String) }]);
    }
  });

  it('answers 401 with free text, not JSON, on every operation', () => {
    for (const [, , o] of operations) {
      const content = resolve(o.responses['401']).content;
      expect(Object.keys(content), o.operationId).toEqual(['text/plain']);
      expect(resolve(content['text/plain'].schema).type).toBe('string');
    }
  });

  it('serves the package as application/zip, inline, with its Content-Disposition and Content-Length headers', () => {
    const ok = resolve(op('downloadActionExecutionPackage')[2].responses['200']);
    expect(Object.keys(ok.content)).toEqual(['application/zip']);
    // Inline, not behind a $ref: some generators decide "binary" from the schema they see here.
    expect(ok.content['application/zip'].schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(resolve(ok.headers['Content-Disposition']).example).toMatch(/^attachment; filename="[0-9a-f-]{36}\.zip"$/);
    expect(ok.headers['Content-Length'].schema).toMatchObject({ type: 'integer', format: 'int64', minimum: 0 });
  });

  it("documents byte ranges on the download as the sandbox's, not the vendor's", () => {
    const [, , download] = op('downloadActionExecutionPackage');
    const parameters = (download as any).parameters.map(resolve);
    expect(parameters.map((p: any) => [p.name, p.in, p['x-sandbox-only']])).toEqual([
      ['Range', 'header', true],
      ['If-Range', 'header', true],
    ]);
    const partial = resolve(download.responses['206']);
    expect(partial['x-sandbox-only']).toBe(true);
    expect(Object.keys(partial.headers)).toEqual(
      expect.arrayContaining(['Content-Range', 'Content-Length', 'Accept-Ranges', 'ETag', 'Last-Modified']),
    );
    const ok = resolve(download.responses['200']);
    for (const header of ['Accept-Ranges', 'ETag', 'Last-Modified']) {
      expect(resolve(ok.headers[header])['x-sandbox-only'], header).toBe(true);
    }
    const unsatisfiable = resolve(download.responses['416']);
    expect(unsatisfiable['x-sandbox-only']).toBe(true);
    expect(unsatisfiable.headers['Content-Range'].example).toBe('bytes */1048576');
    expect(exampleValues(unsatisfiable)).toEqual([
      { error: 'Range not satisfiable: no range of the request lies within the package' },
    ]);
  });

  it('declares the status enums and nullability as documented', () => {
    const schemas = bundle.components.schemas;
    expect(schemas.ActionExecutionStatus.enum).toEqual(['Queued', 'Running', 'Completed', 'Failed']);
    expect(schemas.BlockExecutionStatus.enum).toEqual(['Queued', 'Running', 'Success', 'Failed', 'Cancelled']);
    expect(schemas.ActionExecution.properties.dateEnded.type).toEqual(['string', 'null']);
    expect(schemas.ActionExecution.properties.notes.type).toEqual(['string', 'null']);
    expect(schemas.BlockExecution.properties.result.type).toEqual(['object', 'null']);
    expect(schemas.BlockExecution.properties.errorMessage.type).toEqual(['string', 'null']);
    expect(schemas.ActionExecution.properties.dateStarted.format).toBe('date-time');
  });

  it('makes the block-execute body optional with free-form parameters', () => {
    const body = op('executeBlock')[2].requestBody;
    expect(body.required).toBe(false);
    const schema = resolve(body.content['application/json'].schema);
    expect(schema.required).toBeUndefined();
    expect(schema.properties.parameters.additionalProperties).toBe(true);
  });

  it('says where block results are documented and what the current server answers', () => {
    const [, , results] = op('getBlockResults');
    expect((results as any).description).toContain('Block execution history not yet implemented');
    expect(exampleValues(results.responses['200'])).toContainEqual(
      expect.objectContaining({ message: 'Block execution history not yet implemented', executions: [] }),
    );
  });

  it('warns on execute that every call creates a new execution', () => {
    expect((op('executeAction')[2] as any).description).toMatch(/every call creates a new execution/i);
  });

  it('requires bearer auth on every operation', () => {
    expect(bundle.security).toEqual([{ bearerAuth: [] }]);
    expect(bundle.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [, , o] of operations) {
      expect((o as any).security, o.operationId).toBeUndefined();
    }
  });
});
