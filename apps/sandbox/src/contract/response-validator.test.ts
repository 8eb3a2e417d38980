import { describe, expect, it } from 'vitest';
import { checkResponse, documentedResponses } from './response-validator.ts';

const root = '/api/10000000-0000-4000-8000-000000000001/20000000-0000-4000-8000-000000000001';
const executionId = '11111111-2222-3333-4444-555555555555';
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const headers = (type: string, more: Record<string, string> = {}) => new Headers({ 'content-type': type, ...more });
const execution = {
  actionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  actionExecutionId: executionId,
  dateStarted: '2024-01-15T10:30:00Z',
  dateEnded: null,
  status: 'Queued',
  notes: null,
};

describe('checkResponse', () => {
  const one = `${root}/actionexecution/${executionId}`;

  it('accepts an answer that matches the spec and names the example it is an instance of', () => {
    const checked = checkResponse(
      'GET',
      one,
      404,
      headers('application/json'),
      json({ error: "Can't find action", executionId }),
    );
    expect(checked.violations).toEqual([]);
    expect(checked.examples).toEqual(['ExecutionCannotBeFound']);
  });

  it('reports a body that breaks the schema', () => {
    const { violations } = checkResponse(
      'GET',
      one,
      200,
      headers('application/json'),
      json({ ...execution, status: 'Done', notes: undefined }),
    );
    expect(violations.join()).toMatch(/status.*allowed values|must have required property 'notes'/);
  });

  it('reports a status the operation does not document, and a wrong media type', () => {
    expect(checkResponse('GET', one, 500, headers('text/plain'), new Uint8Array()).violations.join()).toMatch(
      /does not document status 500/,
    );
    expect(checkResponse('GET', one, 401, headers('application/json'), json('x')).violations.join()).toMatch(
      /content-type "application\/json"/,
    );
  });

  it("reports a block 404 with the action controller's key casing", () => {
    const path = `${root}/block/${executionId}/results`;
    const { violations } = checkResponse(
      'GET',
      path,
      404,
      headers('application/json'),
      json({ error: 'Block not found', blockId: executionId }),
    );
    expect(violations).not.toEqual([]);
  });

  it('checks that a download is a ZIP named after the execution', () => {
    const path = `${root}/actionexecution/downloadpackage/${executionId}`;
    const zipHeader = new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
    const good = headers('application/zip', { 'content-disposition': `attachment; filename="${executionId}.zip"` });
    expect(checkResponse('GET', path, 200, good, zipHeader).violations).toEqual([]);
    const badName = headers('application/zip', { 'content-disposition': 'attachment; filename="package.zip"' });
    expect(checkResponse('GET', path, 200, badName, new Uint8Array([1, 2])).violations).toHaveLength(2);
  });
});

describe('documentedResponses', () => {
  it('lists every status and named example of every operation', () => {
    const all = documentedResponses();
    expect(all).toContain('executeAction 404 ActionCannotCreateExecution');
    expect(all).toContain('getBlockResults 200 BlockResultsNotImplemented');
    expect(all).toContain('downloadActionExecutionPackage 200');
    expect(all.filter((response) => response.includes(' 401 '))).toHaveLength(7);
  });
});
