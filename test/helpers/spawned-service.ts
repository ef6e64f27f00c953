import { FEISHU_ENV } from './feishu-app-settings.js';

/**
 * The environment of the service a test spawns as a process (`src/main.ts`): the test database,
 * a port on loopback, warnings only, and the Feishu test app pointed at `feishuBaseUrl`. Nothing
 * else of the test runner's environment is passed on but PATH, HOME and TMPDIR.
 */
export function spawnedServiceEnv(o: { databaseUrl: string; port: number; feishuBaseUrl: string }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    DATABASE_URL: o.databaseUrl,
    PORT: String(o.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...FEISHU_ENV,
    FEISHU_BASE_URL: o.feishuBaseUrl,
  };
}
