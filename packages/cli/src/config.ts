import { MissingSettingError, UsageError } from './errors.js';

/** Where and as whom the CLI talks: every command needs all four. */
export interface ConnectionSettings {
  baseUrl: string;
  token: string;
  tenantId: string;
  projectId: string;
}

/** The global options as commander hands them over (all optional strings). */
export interface ConnectionFlags {
  baseUrl?: string | undefined;
  token?: string | undefined;
  tenantId?: string | undefined;
  projectId?: string | undefined;
}

type Env = Record<string, string | undefined>;

/** Each setting: its flag, its environment variable. The order is the order of the checks. */
export const settings = [
  {
    key: 'baseUrl',
    flag: '--base-url',
    env: 'MINDZIE_BASE_URL',
    what: 'the server, e.g. https://your-instance.mindziestudio.com',
  },
  {
    key: 'token',
    flag: '--token',
    env: 'MINDZIE_TOKEN',
    what: 'the API token (prefer the environment: flags show in the process list)',
  },
  { key: 'tenantId', flag: '--tenant-id', env: 'MINDZIE_TENANT_ID', what: 'the tenant GUID' },
  { key: 'projectId', flag: '--project-id', env: 'MINDZIE_PROJECT_ID', what: 'the project GUID' },
] as const satisfies ReadonlyArray<{ key: keyof ConnectionSettings; flag: string; env: string; what: string }>;

/** Flags win over the environment; a missing or empty setting is named in the error. */
export function resolveSettings(flags: ConnectionFlags, env: Env): ConnectionSettings {
  const resolved = {} as ConnectionSettings;
  for (const setting of settings) {
    const value = (flags[setting.key] ?? env[setting.env])?.trim();
    if (!value) {
      throw new MissingSettingError(setting.key, setting.flag, setting.env);
    }
    resolved[setting.key] = value;
  }
  if (!/^https?:\/\//i.test(resolved.baseUrl) || !URL.canParse(resolved.baseUrl)) {
    throw new UsageError('baseUrl', `Invalid base URL "${resolved.baseUrl}": expected an http:// or https:// URL.`);
  }
  return resolved;
}
