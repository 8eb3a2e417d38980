// createClient.fromEnv and the settings table: every problem named at once, the token never echoed, and the
// sandbox's `export …` lines (which it prints without importing the client) read by the client as they are.
import { type Sandbox, shellExports, startSandbox } from '@mindzie/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, connectionSettings, createClient, InvalidArgumentError } from './index.js';
import { ids, TOKEN } from './test-support/ids.js';

const env = {
  MINDZIE_BASE_URL: 'http://127.0.0.1:9',
  MINDZIE_TOKEN: TOKEN,
  MINDZIE_TENANT_ID: ids.tenantId,
  MINDZIE_PROJECT_ID: ids.projectId,
};

function configurationError(make: () => unknown): ConfigurationError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('no error was thrown');
}

describe('createClient.fromEnv', () => {
  it('names every missing and invalid setting in one error, and never the token', () => {
    const error = configurationError(() =>
      createClient.fromEnv({
        env: { MINDZIE_BASE_URL: 'ftp://files', MINDZIE_TOKEN: ` ${TOKEN}\n`, MINDZIE_TENANT_ID: ' ' },
      }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.problems.map((p) => [p.variable, p.problem])).toEqual([
      ['MINDZIE_BASE_URL', 'invalid'],
      ['MINDZIE_TENANT_ID', 'missing'],
      ['MINDZIE_PROJECT_ID', 'missing'],
    ]);
    expect(error.argument).toBe('baseUrl');
    for (const variable of ['MINDZIE_BASE_URL', 'MINDZIE_TENANT_ID', 'MINDZIE_PROJECT_ID']) {
      expect(error.message).toContain(variable);
    }
    const badToken = configurationError(() => createClient.fromEnv({ env: { ...env, MINDZIE_TOKEN: 'a\u0000b' } }));
    expect(badToken.problems).toEqual([expect.objectContaining({ setting: 'token', problem: 'invalid' })]);
    expect(badToken.message).not.toContain('a\u0000b');
    expect(JSON.stringify(error) + error.message).not.toContain(TOKEN);
  });

  it('lets explicit options win over the variables (a bad variable they replace is not a problem)', async () => {
    let seen = '';
    const fetch = async (input: RequestInfo | URL) => {
      const request = input as Request; // openapi-fetch passes a Request
      seen = `${request.url} ${request.headers.get('authorization')}`;
      return new Response('{"items":[]}', { headers: { 'content-type': 'application/json' } });
    };
    const client = createClient.fromEnv({
      env: { ...env, MINDZIE_BASE_URL: 'not a url' },
      baseUrl: 'http://127.0.0.1:1/mindzie',
      fetch,
    });
    await client.listActionExecutions(ids.actionId);
    expect(seen).toBe(
      `http://127.0.0.1:1/mindzie/api/${ids.tenantId}/${ids.projectId}/actionexecution/action/${ids.actionId} ` +
        `Bearer ${TOKEN}`,
    );
    const explicitBad = configurationError(() => createClient.fromEnv({ env, tenantId: 'nope' }));
    expect(explicitBad.problems).toEqual([expect.objectContaining({ setting: 'tenantId', source: 'option' })]);
    expect(explicitBad.message).toMatch(/tenantId must be a GUID/);
  });

  it('reads process.env when called (not when imported) when no env is given', () => {
    const saved = { ...process.env };
    try {
      for (const { variable } of connectionSettings) {
        delete process.env[variable];
      }
      expect(configurationError(() => createClient.fromEnv()).problems).toHaveLength(4);
      Object.assign(process.env, env);
      expect(Object.keys(createClient.fromEnv({ maxRetries: 0 }))).toContain('executeAction');
    } finally {
      for (const { variable } of connectionSettings) {
        delete process.env[variable];
      }
      Object.assign(process.env, saved);
    }
  });
});

describe("the sandbox's export lines", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  it('name exactly the client settings, in order, and a client made from them reaches the sandbox', async () => {
    const lines = shellExports(sandbox);
    const parsed = lines.map((line) => /^export (\w+)=(.*)$/.exec(line)!.slice(1) as [string, string]);
    expect(parsed.map(([name]) => name)).toEqual(connectionSettings.map((setting) => setting.variable));
    // The sandbox's values need no shell quoting; a quoted one would fail here rather than in a user's shell.
    const client = createClient.fromEnv({ env: Object.fromEntries(parsed) });
    const [action] = sandbox.actions;
    expect(await client.listActionExecutions(action!.actionId)).toEqual(expect.any(Array));
  });
});
