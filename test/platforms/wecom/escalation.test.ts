import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { customers, outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedOwnershipWorkspace } from '../../helpers/ownership-seed.js';
import { wecomClickXml } from '../../helpers/wecom-sign.js';
import { deliverToWecom, postToWecom } from '../../helpers/wecom-delivery.js';

const RUN_AT = '2026-11-24T02:00:00Z';
const NOW_S = Math.floor(new Date(RUN_AT).getTime() / 1000);
type TemplateCard = {
  main_title: { title: string };
  sub_title_text?: string;
  horizontal_content_list?: { keyname: string; value: string }[];
  button_selection?: { question_key: string; option_list: { id: string; text: string }[] };
  button_list?: { text: string; key: string }[];
};
type Sent = { touser: string; msgtype: string; template_card?: TemplateCard; text?: { content: string } };

/** A click on the escalation card; `selected` is the person a button_selection picked (question `to`). */
const clickXml = (o: { from: string; key: string; responseCode: string; selected?: string }) =>
  wecomClickXml({
    corpId: WECOM.corpId,
    from: o.from,
    key: o.key,
    responseCode: o.responseCode,
    createTime: NOW_S,
    ...(o.selected ? { selected: { question: 'to', option: o.selected } } : {}),
  });

/**
 * The escalation card on WeCom (template cards: buttons, the picker as a button_selection sent by
 * 转给TA, answers as update_template_card and short texts): the same rules as on Feishu.
 */
describe('WeCom: the escalation card and its buttons', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildWecomTestApp>>;
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    t = await buildWecomTestApp(testDb.handle, { now: RUN_AT });
    w = await seedOwnershipWorkspace(testDb.handle, 'wecom', WECOM.corpId);
  });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const post = (xml: string) => postToWecom(t, xml, NOW_S);
  const deliver = () => deliverToWecom<Sent, { response_code: string; template_card: TemplateCard }>(t.genjin.outbox);
  async function escalated(name: string) {
    const next = new Date('2026-11-19T01:00:00Z');
    const id = await w.customer(name, w.people.rep, { nextFollowUpAt: next, lastFollowUpAt: new Date('2026-11-12T06:00:00Z') });
    await testDb.db.insert(reminders).values({
      workspaceId: w.workspaceId,
      customerId: id,
      userId: w.people.rep.id,
      kind: 'due',
      dueDate: '2026-11-19',
      dueAt: next,
      subjectAt: next,
      status: 'sent',
      sentAt: next,
      createdAt: next,
      updatedAt: next,
    });
    t.clock.set(RUN_AT);
    await t.genjin.jobs.find((j) => j.name === 'reminders')!.run(new Date(RUN_AT), RUN_BY_HAND);
    const [row] = await testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, id), eq(reminders.kind, 'escalation')));
    return { id, e: String(row!.id) };
  }
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;

  it('the card carries 提醒TA, 放入公海 and the picker; a rep is refused, the manager nudges once, then reassigns', async () => {
    const { id, e } = await escalated('远航科技');
    const { rep, rep2, manager } = w.people;
    const { sent } = await deliver();
    const card = sent.find(
      (s) => s.touser === manager.platformUserId && s.template_card?.main_title.title === '逾期未跟进 · 远航科技',
    )!.template_card!;
    expect(card.button_list!.map((b) => b.text)).toEqual(['转给TA', '提醒TA', '放入公海']);
    expect(card.button_list![1]!.key).toBe(`a=esc.nudge&e=${e}`);
    expect(card.button_selection?.option_list.map((o) => o.id)).toContain(rep2.platformUserId);
    expect(JSON.stringify(card)).toContain('已逾期 5 天');

    await post(clickXml({ from: rep.platformUserId, key: `a=esc.nudge&e=${e}`, responseCode: 'RC_REP' }));
    await post(clickXml({ from: manager.platformUserId, key: `a=esc.nudge&e=${e}`, responseCode: 'RC_NUDGE' }));
    await post(clickXml({ from: manager.platformUserId, key: `a=esc.nudge&e=${e}`, responseCode: 'RC_NUDGE_2' }));
    const first = await deliver();
    expect(first.sent.find((s) => s.touser === rep.platformUserId && s.text?.content.startsWith('只有'))?.text?.content).toBe(
      '只有该团队的经理或管理员可以处理这条逾期提醒',
    );
    const nudges = first.sent.filter((s) => s.touser === rep.platformUserId && s.text?.content.startsWith('王经理 提醒你'));
    expect(nudges).toHaveLength(1);
    const nudged = first.updates.find((u) => u.response_code === 'RC_NUDGE')!;
    expect(JSON.stringify(nudged.template_card)).toContain('已由 王经理 提醒负责人');
    expect(nudged.template_card.button_list!.map((b) => b.text)).toEqual(['转给TA', '放入公海']);
    expect(JSON.stringify(first.updates.find((u) => u.response_code === 'RC_NUDGE_2'))).toContain('已由 王经理 提醒负责人');

    await post(
      clickXml({ from: manager.platformUserId, key: `a=esc.reassign&e=${e}`, responseCode: 'RC_MOVE', selected: rep2.platformUserId }),
    );
    expect(await ownerOf(id)).toBe(rep2.id);
    const moved = (await deliver()).updates.find((u) => u.response_code === 'RC_MOVE')!;
    expect(JSON.stringify(moved.template_card)).toContain('已由 王经理 转给 李四');
    expect(moved.template_card.button_list ?? []).toHaveLength(0);
  });

  it('放入公海 by the manager puts the customer in the pool once; a rep cannot', async () => {
    const { id, e } = await escalated('长风物流');
    const { rep, manager, admin } = w.people;
    await post(clickXml({ from: rep.platformUserId, key: `a=esc.release&e=${e}`, responseCode: 'RC_R1' }));
    expect(await ownerOf(id)).toBe(rep.id);
    await post(clickXml({ from: manager.platformUserId, key: `a=esc.release&e=${e}`, responseCode: 'RC_R2' }));
    expect(await ownerOf(id)).toBeNull();
    await post(clickXml({ from: admin.platformUserId, key: `a=esc.release&e=${e}`, responseCode: 'RC_R3' }));
    const { sent, updates } = await deliver();
    expect(JSON.stringify(updates.find((u) => u.response_code === 'RC_R2'))).toContain('已由 王经理 放入公海');
    expect(JSON.stringify(updates.find((u) => u.response_code === 'RC_R3'))).toContain('已由 王经理 放入公海');
    expect(sent.find((s) => s.touser === rep.platformUserId && s.text?.content.includes('放入公海'))?.text?.content).toBe(
      '你的客户「长风物流」已由 王经理 放入公海',
    );
    const [row] = await testDb.db
      .select()
      .from(reminders)
      .where(eq(reminders.id, Number(e)));
    expect(row).toMatchObject({ action: 'release', actedByUserId: manager.id });
  });
});
