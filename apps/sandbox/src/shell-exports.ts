// The sandbox's connection as `export MINDZIE_…=…` lines to paste into a POSIX shell. The names are the ones
// @mindzie/client reads (createClient.fromEnv, the mindzie CLI); the sandbox does not import the client, so a
// test in the client (settings.test.ts) keeps the two in step.
import type { Sandbox } from './index.ts';

/** One `export NAME=value` line per connection setting, each value quoted for the shell when it needs it. */
export function shellExports(sandbox: Pick<Sandbox, 'baseUrl' | 'token' | 'tenantId' | 'projectId'>): string[] {
  const variables = [
    ['MINDZIE_BASE_URL', sandbox.baseUrl],
    ['MINDZIE_TOKEN', sandbox.token],
    ['MINDZIE_TENANT_ID', sandbox.tenantId],
    ['MINDZIE_PROJECT_ID', sandbox.projectId],
  ] as const;
  return variables.map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

/** As is when it holds only characters no shell treats specially, else in single quotes. */
const shellQuote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);
