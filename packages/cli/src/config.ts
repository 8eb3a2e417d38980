import {
  ConfigurationError,
  connectionSettings,
  resolveConnectionSettings,
  type SettingProblem,
} from '@mindzie/client';
import { MissingSettingError } from './errors.js';

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

/** The CLI's side of each setting: its flag, and what it is for `--help`. */
const cliSide = {
  baseUrl: { flag: '--base-url', description: 'the server, e.g. https://your-instance.mindziestudio.com' },
  token: { flag: '--token', description: 'the API token (prefer the environment: flags show in the process list)' },
  tenantId: { flag: '--tenant-id', description: 'the tenant GUID' },
  projectId: { flag: '--project-id', description: 'the project GUID' },
} as const;

/** The client's settings table (names, variables, checks), each with its flag. The order is the order of the checks. */
export const settings = connectionSettings.map((setting) => ({ ...setting, ...cliSide[setting.setting] }));

/** Flags win over the environment; every missing or invalid setting is named in one error. */
export function resolveSettings(given: ConnectionFlags, env: Env): ConnectionSettings {
  const trimmed = Object.fromEntries(settings.map(({ setting }) => [setting, given[setting]?.trim()]));
  try {
    return resolveConnectionSettings(trimmed, env) as ConnectionSettings;
  } catch (error) {
    throw error instanceof ConfigurationError
      ? new MissingSettingError(error.problems, message(error.problems))
      : error;
  }
}

/** One line per problem, by the name the user gave it (flag or variable); values are never repeated. */
function message(problems: readonly SettingProblem[]): string {
  const lines = problems.map(({ setting, variable, source, problem, expected }) => {
    const { flag } = cliSide[setting];
    if (problem === 'missing') {
      return `${flag}: not set (pass ${flag} or set ${variable})`;
    }
    return `${source === 'option' ? flag : variable}: must be ${expected}`;
  });
  const what = problems.every((p) => p.problem === 'missing') ? 'Missing' : 'Missing or invalid';
  return [`${what} settings (${problems.length}):`, ...lines.map((line) => `  ${line}`)].join('\n');
}
