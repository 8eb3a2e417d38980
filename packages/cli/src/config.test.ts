import { ConfigurationError, connectionSettings } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { resolveSettings, settings } from './config.js';
import { MissingSettingError } from './errors.js';

const env = {
  MINDZIE_BASE_URL: 'https://env.example.com',
  MINDZIE_TOKEN: 'env-secret-token',
  MINDZIE_TENANT_ID: '10000000-0000-4000-8000-000000000001',
  MINDZIE_PROJECT_ID: '20000000-0000-4000-8000-000000000001',
};

describe('resolveSettings', () => {
  it('takes every setting from the environment', () => {
    expect(resolveSettings({}, env)).toEqual({
      baseUrl: 'https://env.example.com',
      token: 'env-secret-token',
      tenantId: env.MINDZIE_TENANT_ID,
      projectId: env.MINDZIE_PROJECT_ID,
    });
  });

  it('lets a flag win over its environment variable', () => {
    const settings = resolveSettings({ baseUrl: 'http://127.0.0.1:9', token: 'flag-token' }, env);
    expect(settings.baseUrl).toBe('http://127.0.0.1:9');
    expect(settings.token).toBe('flag-token');
    expect(settings.tenantId).toBe(env.MINDZIE_TENANT_ID);
  });

  it.each([
    ['MINDZIE_BASE_URL', '--base-url', 'baseUrl'],
    ['MINDZIE_TOKEN', '--token', 'token'],
    ['MINDZIE_TENANT_ID', '--tenant-id', 'tenantId'],
    ['MINDZIE_PROJECT_ID', '--project-id', 'projectId'],
  ])('names a missing %s and its flag', (variable, flag, argument) => {
    const error = thrown(() => resolveSettings({}, { ...env, [variable]: '  ' }));
    expect(error).toBeInstanceOf(MissingSettingError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(flag);
  });

  it('names every missing and invalid setting at once, by the flag or variable that held it', () => {
    const error = thrown(() => resolveSettings({ tenantId: 'not-a-guid' }, { MINDZIE_TOKEN: 'env-secret-token' }));
    expect(error.problems.map((p) => [p.setting, p.problem])).toEqual([
      ['baseUrl', 'missing'],
      ['tenantId', 'invalid'],
      ['projectId', 'missing'],
    ]);
    expect(error.message.split('\n')).toEqual([
      'Missing or invalid settings (3):',
      '  --base-url: not set (pass --base-url or set MINDZIE_BASE_URL)',
      '  --tenant-id: must be a GUID like 00000000-0000-0000-0000-000000000000',
      '  --project-id: not set (pass --project-id or set MINDZIE_PROJECT_ID)',
    ]);
  });

  it('rejects a base URL that is not http(s) without echoing it or the token', () => {
    const error = thrown(() => resolveSettings({}, { ...env, MINDZIE_BASE_URL: 'ftp://files.example.com' }));
    expect(error.problems).toEqual([expect.objectContaining({ setting: 'baseUrl', source: 'environment' })]);
    expect(error.message).toContain('MINDZIE_BASE_URL: must be an http(s) URL');
    expect(error.message).not.toContain('env-secret-token');
    expect(error.message).not.toContain('ftp://');
  });

  it('checks the names of the client, so the CLI and createClient.fromEnv read the same variables', () => {
    expect(settings.map((setting) => setting.variable)).toEqual(connectionSettings.map((setting) => setting.variable));
  });
});

function thrown(run: () => unknown): MissingSettingError {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(MissingSettingError);
    return caught as MissingSettingError;
  }
  throw new Error('nothing was thrown');
}
