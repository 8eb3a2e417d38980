import { describe, expect, it } from 'vitest';
import { resolveSettings } from './config.js';
import { MissingSettingError, UsageError } from './errors.js';

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
    const partial: Record<string, string | undefined> = { ...env, [variable]: '  ' };
    const error = (() => {
      try {
        resolveSettings({}, partial);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MissingSettingError);
    expect((error as MissingSettingError).argument).toBe(argument);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).toContain(flag);
  });

  it('rejects a base URL that is not http(s) without echoing the token', () => {
    const error = (() => {
      try {
        resolveSettings({ baseUrl: 'ftp://files.example.com' }, env);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).toContain('ftp://files.example.com');
    expect(error?.message).not.toContain('env-secret-token');
  });
});
