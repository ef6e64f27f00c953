import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeGenjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
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
  updateTemplateCard = vi.fn(async () => ({ headers: { req_id: 'upd' } }));
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
  });
  afterAll(async () => genjin.stop());

  it('sends the figures as text rows in template cards within WeCom’s limits, pickers kept', async () => {
    await genjin.jobs.find((j) => j.name === 'digest')!.run(RUN_AT, RUN_BY_HAND);
    for (let i = 0; i < 5; i++) if ((await genjin.outbox.runOnce()).sent === 0) break;
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
});
