import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignments, customers, outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildFeishuTestApp, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction } from '../../helpers/feishu-events.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { deliverToFeishu, postToFeishu } from '../../helpers/feishu-delivery.js';

const WARN_AT = '2026-11-25T02:00:00Z'; // Wednesday: 58 days after Monday 28 Sep
type Answer = { toast?: { type: string; content: string }; card?: { type: string; data: Record<string, unknown> } };

/**
 * The owner's pool warning on Feishu, through the composed service: the pool job sends it with
 * 保留 (the note input; the note restarts the clock), 释放 and 转交; 释放 acts once, by the owner
 * or their manager only.
 */
describe('Feishu: the pool warning card', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let tenant = '';
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildFeishuTestApp(testDb.handle);
  });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
    tenant = uniqueId('tenant');
    w = await seedOwnershipWorkspace(testDb.handle, 'feishu', tenant);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  async function click(operator: string, value: Record<string, string>, formValue?: Record<string, string>): Promise<Answer> {
    const envelope = feishuCardAction({
      token: FEISHU_TOKEN,
      tenant,
      value,
      operatorOpenId: operator,
      ...(formValue ? { formValue } : {}),
    });
    Object.assign(envelope.event, { context: { open_message_id: `om_card_${operator}`, open_chat_id: `oc_${operator}` } });
    return postToFeishu<Answer>(t, envelope, Math.floor(t.clock.now().getTime() / 1000));
  }
  const deliver = () => deliverToFeishu(t.genjin.outbox);
  const runPool = async (at: string) => {
    t.clock.set(at);
    return t.genjin.jobs.find((j) => j.name === 'pool')!.run(new Date(at), RUN_BY_HAND);
  };
  async function warned(name: string) {
    const id = await w.customer(name, w.people.rep, {
      lastFollowUpAt: new Date('2026-09-28T02:00:00Z'),
      createdAt: new Date('2026-06-01T00:00:00Z'),
      tier: 'B',
    });
    await runPool(WARN_AT);
    const [row] = await testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, id), eq(reminders.kind, 'pool_warning')));
    return { id, r: String(row!.id) };
  }
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]!;

  it('the card: when it returns, 保留 as the note input, 释放 and 转交', async () => {
    const { r } = await warned('云帆科技');
    const cards = (await deliver()).filter((s) => s.body.receive_id === w.people.rep.platformUserId && s.body.msg_type === 'interactive');
    expect(cards).toHaveLength(1);
    const card = cards[0]!.body.content;
    expect(card).toContain('即将回到公海 · 云帆科技');
    expect(card).toContain('客户「云帆科技」已 58 天没有跟进，将于 11月27日 回到公海。想保留就写一条跟进记录，重新计时。');
    expect(card).toContain('保留');
    expect(card).toContain('"a":"rem.note"');
    expect(card).toContain(`"a":"poolw.release","r":"${r}"`);
    expect(card).toContain('"a":"rem.transfer"');
    expect(card).toContain('转交');
  });

  it('释放: a colleague is refused; the owner releases it now; the second click says it was done, by whom and when', async () => {
    const { id, r } = await warned('星河贸易');
    const { rep, rep2 } = w.people;
    expect((await click(rep2.platformUserId, { a: 'poolw.release', r })).toast).toMatchObject({
      type: 'error',
      content: '只有负责人或其经理可以释放这个客户',
    });
    expect((await ownerOf(id)).ownerUserId).toBe(rep.id);

    t.clock.set('2026-11-25T03:30:00Z');
    const released = await click(rep.platformUserId, { a: 'poolw.release', r });
    expect(released.toast).toMatchObject({ type: 'success', content: '已把「星河贸易」释放到公海' });
    expect(JSON.stringify(released.card?.data)).toContain('已由 张三 释放到公海 · 11月25日 11:30');
    expect((await ownerOf(id)).ownerUserId).toBeNull();
    expect(await testDb.db.select().from(assignments).where(eq(assignments.customerId, id))).toMatchObject([
      { fromUserId: rep.id, toUserId: null, reason: 'release', actorUserId: rep.id },
    ]);

    const again = await click(rep.platformUserId, { a: 'poolw.release', r });
    expect(again.toast).toMatchObject({ type: 'info', content: '这张卡片已经处理过了：张三 已释放到公海 · 11月25日 11:30' });
    expect(await testDb.db.select().from(assignments).where(eq(assignments.customerId, id))).toHaveLength(1);
  });

  it('保留: the note typed into the card is logged against the customer and keeps it out of the pool', async () => {
    const { id } = await warned('晨光文具');
    const card = (await deliver()).find((s) => s.body.receive_id === w.people.rep.platformUserId)!.body.content;
    const submit = JSON.parse(card) as unknown;
    const values: Record<string, string>[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (o.value && typeof o.value === 'object' && (o.value as Record<string, string>).a === 'rem.note')
          values.push(o.value as Record<string, string>);
        Object.values(o).forEach(walk);
      }
    };
    walk(submit);
    expect(values).toHaveLength(1);
    t.clock.set('2026-11-26T03:00:00Z');
    await click(w.people.rep.platformUserId, values[0]!, { note: '电话沟通了新一期的采购计划，下周报价' });
    expect((await ownerOf(id)).lastFollowUpAt?.toISOString()).toBe('2026-11-26T03:00:00.000Z');
    await runPool('2026-11-27T02:00:00Z');
    expect((await ownerOf(id)).ownerUserId).toBe(w.people.rep.id);
  });
});
