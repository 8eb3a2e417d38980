import { describe, expect, it } from 'vitest';
import { listOperations, resolveRef } from './operations.mjs';

const doc = {
  components: {
    parameters: { id: { name: 'id', in: 'path', example: 'from-component' } },
    pathItems: { shared: { get: { operationId: 'sharedGet' } } },
  },
  paths: {
    '/things/{id}': {
      parameters: [{ $ref: '#/components/parameters/id' }, { name: 'q', in: 'query' }],
      get: { operationId: 'getThing', summary: 'Get a thing' },
      post: { operationId: 'postThing', parameters: [{ name: 'id', in: 'path', example: 'own' }] },
      summary: 'not an operation',
    },
    '/shared': { $ref: '#/components/pathItems/shared' },
  },
};

describe('listOperations', () => {
  it('lists every method of every path, resolving path items by $ref', () => {
    expect(listOperations(doc).map((op) => `${op.method} ${op.path} ${op.operationId}`)).toEqual([
      'get /things/{id} getThing',
      'post /things/{id} postThing',
      'get /shared sharedGet',
    ]);
  });

  it('merges path-level parameters, the operation winning for the same name and place', () => {
    const [get, post] = listOperations(doc);
    expect(get?.parameters.map((p) => `${p.in}:${p.name}=${p.example ?? ''}`)).toEqual([
      'path:id=from-component',
      'query:q=',
    ]);
    expect(post?.parameters.map((p) => `${p.in}:${p.name}=${p.example ?? ''}`)).toEqual(['path:id=own', 'query:q=']);
  });

  it('uses the summary as the title, the operationId when there is none', () => {
    expect(listOperations(doc).map((op) => op.summary)).toEqual(['Get a thing', 'postThing', 'sharedGet']);
  });

  it('refuses an operation without an operationId', () => {
    expect(() => listOperations({ paths: { '/x': { get: {} } } })).toThrow('GET /x has no operationId');
  });
});

describe('resolveRef', () => {
  it('follows chains of local refs and leaves plain nodes alone', () => {
    const chained = { a: { $ref: '#/b' }, b: { $ref: '#/c~1d' }, 'c/d': { value: 1 } };
    expect(resolveRef(chained, { $ref: '#/a' })).toEqual({ value: 1 });
    expect(resolveRef(chained, { value: 2 })).toEqual({ value: 2 });
  });

  it('refuses dangling, cyclic and external refs', () => {
    expect(() => resolveRef({}, { $ref: '#/missing' })).toThrow('points nowhere');
    expect(() => resolveRef({ a: { $ref: '#/a' } }, { $ref: '#/a' })).toThrow('cannot resolve');
    expect(() => resolveRef({}, { $ref: 'other.yaml#/x' })).toThrow('cannot resolve');
  });
});
