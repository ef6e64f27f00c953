import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { composeGenjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { followUps, inboundEvents } from '../../../src/db/schema/index.js';
import { fixedClock } from '../../helpers/clock.js';
import type { SmartBotSocket } from '../../../src/platforms/wecom/smart-bot.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

/** Stands in for the SDK's WSClient at its boundary: emits frames shaped like the SDK's, records calls. */
class FakeSocket extends EventEmitter {
  connect = vi.fn(() => this);
  disconnect = vi.fn();
  sendMessage = vi.fn(async (_chatid: string, _body: unknown) => ({ headers: { req_id: `req_${this.sendMessage.mock.calls.length}` } }));
  updateTemplateCard = vi.fn(async (_frame: unknown, _card: unknown, _userids?: string[]) => ({ headers: { req_id: 'upd' } }));
}

async function setup(testDb: ReturnType<typeof useTestDatabase>) {
  const socket = new FakeSocket();
  const config = loadConfig(
    { WECOM_CORP_ID: 'ww_corp_test', WECOM_BOT_ID: 'aib_test', WECOM_BOT_SECRET: 'bot_secret' },
    mkdtempSync(join(tmpdir(), 'genjin-bot-')),
  );
  const logs = captureLogs();
  const genjin = await composeGenjin(config, {
    log: logs.log,
    clock: fixedClock('2026-11-25T02:00:05Z'),
    database: testDb.handle,
    wecomBotSocket: socket as unknown as SmartBotSocket,
  });
  genjin.start();
  return { socket, genjin, logs };
}

const textFrame = (
  msgid: string,
  content: string,
  chat: { chatid?: string; chattype: 'group' | 'single' } = { chatid: 'wrkGroupA', chattype: 'group' },
) => ({
  cmd: 'aibot_msg_callback',
  headers: { req_id: `req_${msgid}` },
  body: { msgid, aibotid: 'aib_test', ...chat, from: { userid: 'zhangsan' }, msgtype: 'text', text: { content }, create_time: 1795377600 },
});

describe('WeCom smart bot (long connection)', () => {
  const testDb = useTestDatabase();

  it('records a note from an @-mention in a group and replies to that group with a template card', async () => {
    const { socket, genjin } = await setup(testDb);
    expect(socket.connect).toHaveBeenCalled();
    socket.emit('message.text', textFrame('msg_group_1', '@genjin 今天给云帆科技王总打电话,预算50万,下周三上门演示'));
    socket.emit('message.text', textFrame('msg_group_1', '@genjin 今天给云帆科技王总打电话,预算50万,下周三上门演示'));
    await vi.waitFor(
      async () => expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'msg_group_1'))).toHaveLength(1),
      // The first note of a process loads the segmenter's dictionary: on a busy machine that alone can pass 1 s.
      { timeout: 10_000 },
    );
    await genjin.worker.drain();
    await genjin.outbox.runOnce();
    expect(socket.sendMessage).toHaveBeenCalledTimes(1);
    const [chatid, body] = socket.sendMessage.mock.calls[0] as [
      string,
      { msgtype: string; template_card: { main_title: { title: string } } },
    ];
    expect(chatid).toBe('wrkGroupA');
    expect(body).toMatchObject({ msgtype: 'template_card', template_card: { main_title: { title: '已记录跟进 · 云帆科技' } } });
    await genjin.stop();
  });

  it('updates the clicked card in place, keeping its task id, within the click', async () => {
    const { socket, genjin } = await setup(testDb);
    socket.emit('message.text', textFrame('msg_dm_1', '光明乳业选了竞品,丢单了', { chattype: 'single' }));
    await vi.waitFor(async () =>
      expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'msg_dm_1'))).toHaveLength(1),
    );
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'msg_dm_1'));
    const click = {
      cmd: 'aibot_event_callback',
      headers: { req_id: 'req_click' },
      body: {
        msgid: 'evt_click_1',
        create_time: 1795377601,
        aibotid: 'aib_test',
        from: { userid: 'zhangsan' },
        msgtype: 'event',
        event: { eventtype: 'template_card_event', event_key: `a=fu.undo&id=${row!.id}`, task_id: 'gj_task_1' },
      },
    };
    socket.emit('event.template_card_event', click);
    await vi.waitFor(() => expect(socket.updateTemplateCard).toHaveBeenCalled());
    const [frame, card, userids] = socket.updateTemplateCard.mock.calls[0] as [
      unknown,
      { task_id: string; main_title: { title: string } },
      string[],
    ];
    expect(frame).toMatchObject({ headers: { req_id: 'req_click' } });
    expect(card).toMatchObject({ task_id: 'gj_task_1', main_title: { title: '已撤销这条跟进' } });
    expect(userids).toEqual(['zhangsan']);
    const [after] = await testDb.db.select().from(followUps).where(eq(followUps.id, row!.id));
    expect(after?.status).toBe('undone');
    await genjin.stop();
  });

  it('handles a click delivered twice (same msgid) once', async () => {
    const { socket, genjin } = await setup(testDb);
    socket.emit('message.text', textFrame('msg_dm_2', '蓝天制药选了竞品,丢单了', { chattype: 'single' }));
    await vi.waitFor(async () =>
      expect(await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'msg_dm_2'))).toHaveLength(1),
    );
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, 'msg_dm_2'));
    const click = {
      cmd: 'aibot_event_callback',
      headers: { req_id: 'req_click_2' },
      body: {
        msgid: 'evt_click_2',
        create_time: 1795377602,
        aibotid: 'aib_test',
        from: { userid: 'zhangsan' },
        msgtype: 'event',
        event: { eventtype: 'template_card_event', event_key: `a=fu.undo&id=${row!.id}`, task_id: 'gj_task_2' },
      },
    };
    socket.emit('event.template_card_event', click);
    socket.emit('event.template_card_event', click);
    await vi.waitFor(() => expect(socket.updateTemplateCard).toHaveBeenCalled());
    await genjin.worker.drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.updateTemplateCard).toHaveBeenCalledTimes(1);
    const rows = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, 'evt_click_2'));
    expect(rows).toHaveLength(1);
    await genjin.stop();
  });

  it('logs a displaced connection and disconnects on stop', async () => {
    const { socket, genjin, logs } = await setup(testDb);
    socket.emit('event.disconnected_event', { headers: { req_id: 'x' }, body: {} });
    expect(logs.text()).toContain('displaced by a newer one');
    await genjin.stop();
    expect(socket.disconnect).toHaveBeenCalled();
  });
});
