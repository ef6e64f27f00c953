import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';

const load = (env: Record<string, string>) => () => loadConfig(env, mkdtempSync(join(tmpdir(), 'genjin-admin-config-')));
const TOKEN = 'a'.repeat(32);

describe('admin API settings', () => {
  it('is off without GENJIN_ADMIN_TOKEN, on with it (workspace optional)', () => {
    expect(load({})().adminApi).toBeNull();
    expect(load({ GENJIN_ADMIN_TOKEN: TOKEN })().adminApi).toEqual({ token: TOKEN, workspace: null });
    expect(load({ GENJIN_ADMIN_TOKEN: TOKEN, GENJIN_ADMIN_WORKSPACE: 'feishu:tenant_1' })().adminApi).toEqual({
      token: TOKEN,
      workspace: 'feishu:tenant_1',
    });
    expect(load({ GENJIN_ADMIN_TOKEN: TOKEN, GENJIN_ADMIN_WORKSPACE: '3' })().adminApi?.workspace).toBe('3');
  });

  it.each([
    [{ GENJIN_ADMIN_TOKEN: 'short' }, 'GENJIN_ADMIN_TOKEN must be 24-200 letters'],
    [{ GENJIN_ADMIN_TOKEN: `${TOKEN} space` }, 'GENJIN_ADMIN_TOKEN must be 24-200 letters'],
    [{ GENJIN_ADMIN_TOKEN: TOKEN, GENJIN_ADMIN_WORKSPACE: 'acme' }, 'GENJIN_ADMIN_WORKSPACE must be a workspace id'],
    [{ GENJIN_ADMIN_WORKSPACE: '3' }, 'GENJIN_ADMIN_TOKEN is required when GENJIN_ADMIN_WORKSPACE is set'],
  ])('refuses %j at boot, saying how to fix it', (env, message) => {
    expect(load(env)).toThrow(message);
  });
});
