import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeGenjin } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { DbHandle } from '../../src/db/client.js';
import { fixedClock } from './clock.js';
import { FEISHU_ENV, FEISHU_KEY } from './feishu-app-settings.js';
import { captureLogs } from './log-capture.js';

export { FEISHU_BASE, FEISHU_ENV, FEISHU_KEY, FEISHU_TOKEN } from './feishu-app-settings.js';

/**
 * The real composed service (config → bot → Feishu adapter → Fastify app) on a test database,
 * with a pinned clock and captured logs. Background work is not started: tests drive the queue
 * and the outbox explicitly.
 */
export async function buildFeishuTestApp(
  database: DbHandle,
  opts: {
    encryptKey?: string | null;
    now?: string;
    env?: Record<string, string>;
    inbox?: Parameters<typeof composeGenjin>[1]['inbox'];
  } = {},
) {
  const encryptKey = opts.encryptKey === undefined ? FEISHU_KEY : opts.encryptKey;
  const { FEISHU_ENCRYPT_KEY: _testKey, ...feishu } = FEISHU_ENV;
  const config = loadConfig(
    { ...feishu, ...(encryptKey ? { FEISHU_ENCRYPT_KEY: encryptKey } : {}), ...opts.env },
    mkdtempSync(join(tmpdir(), 'genjin-app-')),
  );
  const clock = fixedClock(opts.now ?? '2026-11-25T02:00:05Z');
  const logs = captureLogs();
  const genjin = await composeGenjin(config, { log: logs.log, clock, database, inbox: opts.inbox });
  return { genjin, app: genjin.app, clock, logs, config };
}

export const WECOM = {
  corpId: 'wx5823bf96d3bd56c7',
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  base: 'https://qyapi.wecom.test',
};

/** The composed service with only the WeCom self-built app on, configured with official vector set A. */
export async function buildWecomTestApp(database: DbHandle, opts: { now?: string } = {}) {
  const config = loadConfig(
    {
      WECOM_CORP_ID: WECOM.corpId,
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: 'wecom_secret',
      WECOM_TOKEN: WECOM.token,
      WECOM_ENCODING_AES_KEY: WECOM.key,
      WECOM_BASE_URL: WECOM.base,
    },
    mkdtempSync(join(tmpdir(), 'genjin-app-')),
  );
  const clock = fixedClock(opts.now ?? '2026-11-25T02:00:05Z');
  const logs = captureLogs();
  const genjin = await composeGenjin(config, { log: logs.log, clock, database });
  return { genjin, app: genjin.app, clock, logs, config };
}
