import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { composeGenjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { followUps, workspaces } from '../../../src/db/schema/index.js';
import type { SmartBotSocket } from '../../../src/platforms/wecom/smart-bot.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

/** The SDK's WSClient at its boundary: only what a received note needs. */
class FakeSocket extends EventEmitter {
  connect = vi.fn(() => this);
  disconnect = vi.fn();
  sendMessage = vi.fn(async () => ({ headers: { req_id: 'req' } }));
  updateTemplateCard = vi.fn(async () => ({ headers: { req_id: 'upd' } }));
}

describe('WeCom workspace key', () => {
  const testDb = useTestDatabase();

  it('files a smart-bot-only install under the corp id, the workspace the app uses too', async () => {
    const corpId = uniqueId('ww');
    const socket = new FakeSocket();
    const config = loadConfig(
      { WECOM_CORP_ID: corpId, WECOM_BOT_ID: 'aib_key', WECOM_BOT_SECRET: 's' },
      mkdtempSync(join(tmpdir(), 'genjin-key-')),
    );
    const genjin = await composeGenjin(config, {
      log: captureLogs().log,
      clock: fixedClock('2026-11-25T02:00:05Z'),
      database: testDb.handle,
      wecomBotSocket: socket as unknown as SmartBotSocket,
    });
    genjin.start();
    try {
      const msgid = uniqueId('msg');
      socket.emit('message.text', {
        cmd: 'aibot_msg_callback',
        headers: { req_id: `req_${msgid}` },
        body: {
          msgid,
          aibotid: 'aib_key',
          chattype: 'single',
          from: { userid: 'zhangsan' },
          msgtype: 'text',
          text: { content: '光明乳业选了竞品,丢单了' },
          create_time: 1795377600,
        },
      });
      await vi.waitFor(async () =>
        expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, msgid))).toHaveLength(1),
      );
      const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, msgid));
      const [ws] = await testDb.db
        .select()
        .from(workspaces)
        .where(eq(workspaces.id, row?.workspaceId ?? -1));
      expect(ws).toMatchObject({ platform: 'wecom', externalId: corpId });
    } finally {
      await genjin.stop();
    }
  });
});
