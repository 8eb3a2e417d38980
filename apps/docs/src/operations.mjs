// Walks the bundled OpenAPI document. The bundle keeps `$ref`s to its own components,
// so every reader here resolves them the same way.

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * @typedef {{ [key: string]: any }} Node
 * @typedef {{
 *   operationId: string,
 *   method: string,
 *   path: string,
 *   summary: string,
 *   operation: Node,
 *   parameters: Node[],
 * }} Operation
 */

/**
 * Follows a local `$ref` (`#/components/...`) until it reaches a plain node.
 * @param {Node} doc
 * @param {Node | undefined} node
 * @returns {Node | undefined}
 */
export function resolveRef(doc, node) {
  let current = node;
  const seen = new Set();
  while (current && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) {
      throw new Error(`cannot resolve $ref ${ref}`);
    }
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((/** @type {Node | undefined} */ n, key) => n?.[key], doc);
    if (current === undefined) {
      throw new Error(`$ref ${ref} points nowhere`);
    }
  }
  return current;
}

/**
 * Every operation of the document, in document order, with path-level and
 * operation-level parameters merged (operation-level wins, as OpenAPI says).
 * @param {Node} doc
 * @returns {Operation[]}
 */
export function listOperations(doc) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, rawItem]) => {
    const item = /** @type {Node} */ (resolveRef(doc, rawItem));
    return METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method];
      if (typeof operation.operationId !== 'string') {
        throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      }
      /** @type {Map<string, Node>} */
      const parameters = new Map();
      for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
        const parameter = /** @type {Node} */ (resolveRef(doc, raw));
        parameters.set(`${parameter.in}:${parameter.name}`, parameter);
      }
      return {
        operationId: operation.operationId,
        method,
        path,
        summary: operation.summary ?? operation.operationId,
        operation,
        parameters: [...parameters.values()],
      };
    });
  });
}
