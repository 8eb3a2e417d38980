// The four connection settings and their environment variables: one table for `createClient.fromEnv()`
// and the CLI. Browser-safe: the environment is read only when asked, through `globalThis.process`.
import { ConfigurationError, type SettingProblem } from './errors.js';
import { BASE_URL_RULE, GUID_RULE, isGuid, plainBaseUrl, TOKEN_RULE, validToken } from './internal/checks.js';
import type { ClientOptions } from './options.js';

/** Environment variables by name, like `process.env` (unset and blank values count as missing). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Each setting: its client option, its variable, and what a valid value is (with the check). */
export const connectionSettings = [
  {
    setting: 'baseUrl',
    variable: 'MINDZIE_BASE_URL',
    expected: BASE_URL_RULE,
    valid: (value: unknown) => plainBaseUrl(value) !== undefined,
  },
  {
    setting: 'token',
    variable: 'MINDZIE_TOKEN',
    expected: TOKEN_RULE,
    valid: (value: unknown) => typeof value === 'function' || validToken(value),
  },
  {
    setting: 'tenantId',
    variable: 'MINDZIE_TENANT_ID',
    expected: GUID_RULE,
    valid: isGuid,
  },
  {
    setting: 'projectId',
    variable: 'MINDZIE_PROJECT_ID',
    expected: GUID_RULE,
    valid: isGuid,
  },
] as const satisfies ReadonlyArray<{
  setting: SettingProblem['setting'];
  variable: string;
  expected: string;
  valid: (value: unknown) => boolean;
}>;

export type ConnectionSettings = Pick<ClientOptions, SettingProblem['setting']>;

/** `createClient.fromEnv`'s options: any ClientOptions (they win over the environment), and `env`. */
export interface FromEnvOptions extends Partial<ClientOptions> {
  /** The variables to read (default: `process.env` where there is one). */
  env?: Environment | undefined;
}

/**
 * Each setting from `explicit` when given, else from `env` (trimmed). Every missing or invalid one is
 * named in one ConfigurationError; values are never echoed.
 */
export function resolveConnectionSettings(
  explicit: Partial<Record<SettingProblem['setting'], unknown>>,
  env: Environment = processEnv(),
): ConnectionSettings {
  const resolved: Record<string, unknown> = {};
  const problems: SettingProblem[] = [];
  for (const { setting, variable, expected, valid } of connectionSettings) {
    const given = explicit[setting];
    const value = given ?? env[variable]?.trim();
    const source = given !== undefined ? 'option' : value ? 'environment' : 'none';
    if (source === 'none') {
      problems.push({ setting, variable, source, problem: 'missing', expected });
    } else if (!valid(value)) {
      problems.push({ setting, variable, source, problem: 'invalid', expected });
    }
    resolved[setting] = value;
  }
  if (problems.length > 0) {
    throw new ConfigurationError(problems);
  }
  return resolved as unknown as ConnectionSettings;
}

/** `process.env` when this runtime has one (Node, Bun, Deno's compatibility), else nothing. */
const processEnv = (): Environment => (globalThis as { process?: { env?: Environment } }).process?.env ?? {};
