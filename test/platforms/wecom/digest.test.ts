import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeGenjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { customers, outbox } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import type { SmartBotSocket } from '../../../src/platforms/wecom/smart-bot.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { RUN_AT, seedKnownWeek } from '../../integration/digest/seed-week.js';

type TemplateCard = {
  card_type: string;
  main_title: { title: string };
  sub_title_text?: string;
  horizontal_content_list: { keyname: string; value: string }[];
  button_selection?: { question_key: string; option_list: { id: string; text: string }[] };
  button_list?: { text: string; key: string }[];
};

/** The smart bot's long connection, replaced at its boundary: what genjin sends is recorded. */
class FakeSocket extends EventEmitter {
  connect = vi.fn(() => this);
  disconnect = vi.fn();
  sendMessage = vi.fn(async (_chatid: string, _body: unknown) => ({ headers: { req_id: `req_${this.sendMessage.mock.calls.length}` } }));
  updateTemplateCard = vi.fn(async (_frame: unknown, _card: unknown, _userids?: string[]) => ({ headers: { req_id: 'upd' } }));
}

/**
 * The weekly digest on WeCom: the team chat goes through the smart bot as template cards; the
 * chart becomes text rows, long text continues on further cards, every card within WeCom's limits,
 * and each at-risk customer keeps its reassignment choice.
 */
describe('WeCom: the weekly digest through the smart bot', () => {
  const testDb = useTestDatabase();
  const socket = new FakeSocket();
  let genjin: Awaited<ReturnType<typeof composeGenjin>>;
  let w: Awaited<ReturnType<typeof seedKnownWeek>>;
  beforeAll(async () => {
    const config = loadConfig(
      { WECOM_CORP_ID: 'ww_digest', WECOM_BOT_ID: 'aib_test', WECOM_BOT_SECRET: 'bot_secret' },
      mkdtempSync(join(tmpdir(), 'genjin-digest-')),
    );
    genjin = await composeGenjin(config, {
      log: captureLogs().log,
      clock: fixedClock(RUN_AT),
      database: testDb.handle,
      wecomBotSocket: socket as unknown as SmartBotSocket,
    });
    w = await seedKnownWeek(testDb.handle, 'wecom', 'ww_digest', { digestChat: 'wrkEast' });
    // The smart bot listens for clicks once started (the outbox worker starts too).
    genjin.start();
  });
  afterAll(async () => genjin.stop());

  it('sends the figures as text rows in template cards within WeCom’s limits, pickers kept', async () => {
    await genjin.jobs.find((j) => j.name === 'digest')!.run(RUN_AT, RUN_BY_HAND);
    await vi.waitFor(async () => expect((await testDb.db.select().from(outbox)).every((r) => r.status === 'sent')).toBe(true), {
      timeout: 5000,
    });
    const toChat = socket.sendMessage.mock.calls
      .filter(([chatid]) => chatid === 'wrkEast')
      .map(([, body]) => (body as { msgtype: string; template_card: TemplateCard }).template_card);
    expect(toChat.length).toBeGreaterThan(1);
    const [first, ...rest] = toChat;
    expect(first!.main_title.title).toContain('周报');
    expect(first!.horizontal_content_list).toEqual([
      { keyname: '本周跟进', value: '5 次（上周 5，±0）' },
      { keyname: '本周赢单', value: '1 单 ¥520,000（上周 0 单）' },
      { keyname: '在管金额', value: '¥1,630,000' },
      { keyname: '新客户', value: '1' },
    ]);
    const text = toChat.map((c) => c.sub_title_text ?? '').join('\n');
    // The chart as text rows, scaled to the busiest rep; the idle rep named.
    expect(text).toContain('【跟进次数】（本周）');
    expect(text).toContain('张三 ▇▇▇▇▇▇▇▇▇▇ 3 · 上周 2');
    expect(text).toContain('李四 ▇▇▇▇▇▇▇ 2 · 上周 2');
    expect(text).toContain('周八 ▏ 0 · 上周 1');
    expect(text).toContain('· 周八（本周无跟进）');
    expect(text).toContain('北辰物流 商务谈判→已成交 ¥520,000');
    for (const card of toChat) {
      expect([...(card.sub_title_text ?? '')].length).toBeLessThanOrEqual(500);
      expect(card.sub_title_text ?? '').not.toContain('…');
      expect(card.horizontal_content_list.length).toBeLessThanOrEqual(6);
      expect(card.button_list?.length ?? 0).toBeLessThanOrEqual(6);
      expect([...card.main_title.title].length).toBeLessThanOrEqual(36);
    }
    // Five at-risk customers, five choices of the team's people, each sent by its own button.
    const choices = toChat.filter((c) => c.button_selection);
    expect(choices).toHaveLength(5);
    expect(choices[0]!.button_selection!.option_list.map((o) => o.text)).toEqual(['张三', '李四', '王经理']);
    expect(choices.every((c) => c.card_type === 'button_interaction' && c.button_list?.[0]?.key.includes('a=dg.reassign'))).toBe(true);
    expect(rest.every((c) => c.main_title.title.endsWith('（续）'))).toBe(true);
    // The team without a chat (west): its manager gets the digest in the bot's single chat.
    expect(socket.sendMessage.mock.calls.some(([chatid]) => chatid === w.people.otherManager.platformUserId)).toBe(true);
  });

  /** A click on one at-risk customer's card: the button's key, and the person chosen in its drop-down. */
  const clickFrame = (msgid: string, userid: string, key: string, picked: string) => ({
    cmd: 'aibot_event_callback',
    headers: { req_id: `req_${msgid}` },
    body: {
      msgid,
      create_time: 1795377601,
      aibotid: 'aib_test',
      chatid: 'wrkEast',
      from: { userid },
      msgtype: 'event',
      event: {
        eventtype: 'template_card_event',
        event_key: key,
        task_id: `gj_${msgid}`,
        selected_items: { selected_item: [{ question_key: 'to', option_ids: { option_id: [picked] } }] },
      },
    },
  });
  const keyFor = (customer: string) => {
    const card = socket.sendMessage.mock.calls
      .map(([, body]) => (body as { template_card?: TemplateCard }).template_card)
      .find((c) => c?.button_selection && c.main_title.title && JSON.stringify(c).includes(`c=${customer}&`));
    return card!.button_list![0]!.key;
  };
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;

  it('转派 from a picker card: the manager’s click moves the customer and turns that card into its moved card; a rep is refused', async () => {
    const { rep: zhang, rep2: li, manager } = w.people;
    const sentBefore = socket.sendMessage.mock.calls.length;
    socket.emit(
      'event.template_card_event',
      clickFrame('click_rep', zhang.platformUserId, keyFor(String(w.c.huaxin)), zhang.platformUserId),
    );
    await vi.waitFor(() => expect(socket.sendMessage.mock.calls.length).toBeGreaterThan(sentBefore));
    expect(socket.sendMessage.mock.calls.at(-1)).toEqual([
      'wrkEast',
      { msgtype: 'markdown', markdown: { content: '只有本组经理或管理员可以从周报转派客户，这次没有改动' } },
    ]);
    expect(await ownerOf(w.c.huaxin)).toBe(li.id);
    expect(socket.updateTemplateCard).not.toHaveBeenCalled();

    socket.emit(
      'event.template_card_event',
      clickFrame('click_mgr', manager.platformUserId, keyFor(String(w.c.huaxin)), zhang.platformUserId),
    );
    await vi.waitFor(() => expect(socket.updateTemplateCard).toHaveBeenCalledTimes(1));
    expect(await ownerOf(w.c.huaxin)).toBe(zhang.id);
    const [, card] = socket.updateTemplateCard.mock.calls[0] as [unknown, TemplateCard];
    expect(card.main_title.title).toBe('华信银行');
    expect(JSON.stringify(card)).toContain('张三');
    expect(card.button_selection).toBeUndefined();
  });
});
