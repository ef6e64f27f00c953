import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { composeGenjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { parseAddressRef } from '../../../src/messaging/address-ref.js';
import { addressKey, type Card } from '../../../src/messaging/types.js';
import type { SmartBotSocket } from '../../../src/platforms/wecom/smart-bot.js';
import { buildFeishuTestApp, FEISHU_BASE } from '../../helpers/build-test-app.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

const reminderCard: Card = {
  title: '该跟进了 · 云帆科技',
  tone: 'orange',
  fields: [{ label: '逾期', value: '2 天' }],
  controls: [
    {
      kind: 'person',
      name: 'to',
      placeholder: '转给同事',
      people: [{ id: 'ou_a', name: '张三' }],
      submitLabel: '转交',
      action: { name: 'own.reassign', args: { c: '7' } },
    },
  ],
  buttons: [{ label: '已跟进', style: 'primary', action: { name: 'rm.done', args: { r: '3' } } }],
};

/** Addresses are a person or a chat; only the adapter knows how to reach each. */
describe('reaching people and chats', () => {
  const testDb = useTestDatabase();
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  beforeEach(async () => {
    nock.cleanAll();
    await testDb.db.delete(outbox);
  });
  afterAll(() => nock.enableNetConnect());

  it('sends a reminder-style card to a Feishu user by open_id, though they never opened a chat with the bot', async () => {
    const t = await buildFeishuTestApp(testDb.handle);
    const to = { platform: 'feishu', kind: 'user' as const, id: 'ou_never_chatted' };
    await enqueue(
      testDb.db,
      {
        target: addressKey(to),
        payload: { kind: 'send', to, message: { kind: 'card', card: reminderCard }, link: { kind: 'reminder', id: 999 } },
      },
      t.clock.now(),
    );
    let sent: { query: Record<string, string>; body: { receive_id: string; msg_type: string; content: string } } | null = null;
    nock(FEISHU_BASE)
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .reply(200, { code: 0, tenant_access_token: 't-1', expire: 7200 });
    nock(FEISHU_BASE)
      .post('/open-apis/im/v1/messages')
      .query(true)
      .reply(200, function (uri, body) {
        sent = { query: Object.fromEntries(new URL(uri, FEISHU_BASE).searchParams), body: body as never };
        return { code: 0, data: { message_id: 'om_reminder_1' } };
      });
    expect((await t.genjin.outbox.runOnce()).sent).toBe(1);
    expect(sent!.query).toEqual({ receive_id_type: 'open_id' });
    expect(sent!.body.receive_id).toBe('ou_never_chatted');
    const card = JSON.stringify(JSON.parse(sent!.body.content));
    expect(card).toContain('"tag":"select_person"');
    const [row] = await testDb.db.select().from(outbox);
    expect(row).toMatchObject({ status: 'sent', sentRef: 'om_reminder_1' });
  });

  it("accepts a WeCom group as a team's digestChat and reaches it through the smart bot", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genjin-teams-'));
    writeFileSync(
      join(dir, 'genjin.json'),
      JSON.stringify({
        teams: [{ id: 'east', name: '华东组', digestChat: 'wecom:wrkGroupEast', managers: ['wecom:boss'], members: ['wecom:lisi'] }],
      }),
    );
    const config = loadConfig(
      { GENJIN_CONFIG: join(dir, 'genjin.json'), WECOM_CORP_ID: 'ww_corp', WECOM_BOT_ID: 'aib_test', WECOM_BOT_SECRET: 'bot_secret' },
      dir,
    );
    class FakeSocket extends EventEmitter {
      connect = vi.fn(() => this);
      disconnect = vi.fn();
      sendMessage = vi.fn(async (_chatid: string, _body: unknown) => ({ headers: { req_id: 'req_digest' } }));
      updateTemplateCard = vi.fn(async () => ({ headers: { req_id: 'upd' } }));
    }
    const socket = new FakeSocket();
    const genjin = await composeGenjin(config, {
      log: captureLogs().log,
      clock: fixedClock('2026-11-30T01:00:00Z'),
      database: testDb.handle,
      wecomBotSocket: socket as unknown as SmartBotSocket,
    });
    const digestChat = config.teams[0]?.digestChat;
    const to = digestChat ? parseAddressRef(digestChat, 'chat') : null;
    expect(to).toEqual({ platform: 'wecom', kind: 'chat', id: 'wrkGroupEast' });
    await enqueue(
      testDb.db,
      { target: addressKey(to!), payload: { kind: 'send', to: to!, message: { kind: 'card', card: reminderCard } } },
      new Date('2026-11-30T01:00:00Z'),
    );
    expect((await genjin.outbox.runOnce()).sent).toBe(1);
    expect(socket.sendMessage).toHaveBeenCalledTimes(1);
    const [chatid, body] = socket.sendMessage.mock.calls[0] as [string, { msgtype: string; template_card: Record<string, unknown> }];
    expect(chatid).toBe('wrkGroupEast');
    expect(body).toMatchObject({
      msgtype: 'template_card',
      template_card: { card_type: 'button_interaction', button_selection: { question_key: 'to' } },
    });
  });
});
