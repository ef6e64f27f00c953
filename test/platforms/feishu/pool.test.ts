import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignments, auditLog, customers, outbox, teams, users } from '../../../src/db/schema/index.js';
import { buildFeishuTestApp, FEISHU_BASE, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { feishuCardAction, feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';

const START = '2026-11-25T02:00:05Z'; // 10:00:05 in Asia/Shanghai
type Element = Record<string, unknown> & { tag?: string; content?: string };
type Card = { header: { title: { content: string }; template: string }; body: { elements: Element[] } };
type ClickAnswer = { toast?: { type: string; content: string }; card?: { type: string; data: Card } };

/**
 * The public pool (公海) through the real composed service and the Feishu webhook: `/公海` lists,
 * pages and filters; `领取` claims (one winner, a daily limit, a cooldown after a release);
 * `/释放` releases, by the owner or their manager only. Every refusal says why.
 */
describe('Feishu: the public pool, claims and releases', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let tenant = '';
  let w = 0;
  let people: Record<'zhang' | 'li' | 'wang' | 'zhao' | 'qian', { id: number; openId: string; name: string }>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'genjin-pool-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ pool: { maxClaimsPerDay: 3, reclaimCooldownDays: 7 } }));
    t = await buildFeishuTestApp(testDb.handle, { now: START, env: { GENJIN_CONFIG: join(dir, 'settings.json') } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  beforeEach(async () => {
    t.clock.set(START);
    tenant = uniqueId('tenant');
    w = await createTestWorkspace(testDb.handle, 'feishu', tenant);
    const now = new Date(START);
    const team = async (key: string) =>
      (await testDb.db.insert(teams).values({ workspaceId: w, key, name: key, createdAt: now, updatedAt: now }))[0].insertId;
    const east = await team('east');
    const west = await team('west');
    const person = async (name: string, role: 'rep' | 'manager', teamId: number) => {
      const openId = uniqueId('ou');
      const [r] = await testDb.db
        .insert(users)
        .values({ workspaceId: w, platformUserId: openId, name, role, teamId, createdAt: now, updatedAt: now });
      return { id: r.insertId, openId, name };
    };
    people = {
      zhang: await person('张三', 'rep', east),
      li: await person('李四', 'rep', east),
      wang: await person('王经理', 'manager', east),
      zhao: await person('赵经理', 'manager', west),
      qian: await person('钱七', 'rep', west),
    };
  });

  async function customer(
    name: string,
    o: { owner?: number | null; last?: string | null; tier?: 'A' | 'B' | 'C' | null; tags?: string[]; workspaceId?: number } = {},
  ) {
    const now = new Date(START);
    const [r] = await testDb.db.insert(customers).values({
      workspaceId: o.workspaceId ?? w,
      name,
      normalizedName: name.toLowerCase(),
      tags: o.tags ?? [],
      tier: o.tier ?? null,
      ownerUserId: o.owner ?? null,
      lastFollowUpAt: o.last ? new Date(o.last) : null,
      pooledAt: o.owner ? null : now,
      createdAt: now,
      updatedAt: now,
    });
    return r.insertId;
  }

  const nowS = () => Math.floor(t.clock.now().getTime() / 1000);
  const toInject = (r: { body: string; headers: Record<string, string> }) => ({ payload: r.body, headers: r.headers });

  /** A direct message from `who`; returns its message id once the bot has handled it. */
  async function say(text: string, who: { openId: string }, o: { tenant?: string } = {}) {
    const event = feishuMessageEvent({
      text,
      token: FEISHU_TOKEN,
      tenant: o.tenant ?? tenant,
      senderOpenId: who.openId,
      chatId: `oc_${who.openId}`,
      createTime: t.clock.now(),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/feishu',
      ...toInject(feishuSignedRequest(FEISHU_KEY, event, { timestamp: nowS() })),
    });
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
    return event.event.message.message_id as string;
  }

  /** A click by `who` on a card in their own chat (so two people's clicks run side by side). */
  async function click(value: Record<string, string>, who: { openId: string }): Promise<ClickAnswer> {
    const action = feishuCardAction({ token: FEISHU_TOKEN, tenant, value, operatorOpenId: who.openId });
    const event = {
      ...action,
      event: { ...action.event, context: { open_message_id: `om_card_${who.openId}`, open_chat_id: `oc_${who.openId}` } },
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/feishu',
      ...toInject(feishuSignedRequest(FEISHU_KEY, event, { timestamp: nowS() })),
    });
    expect(res.statusCode).toBe(200);
    return res.json() as ClickAnswer;
  }

  /** The reply the bot enqueued to a message, as Feishu receives it (delivered through nock). */
  async function replyTo(messageId: string): Promise<{ msg_type: string; content: string }> {
    let body: { msg_type: string; content: string } | undefined;
    nock(FEISHU_BASE)
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .optionally()
      .reply(200, { code: 0, tenant_access_token: 't-test', expire: 7200 });
    nock(FEISHU_BASE)
      .post(`/open-apis/im/v1/messages/${messageId}/reply`)
      .reply(200, (_path, b) => {
        body = b as { msg_type: string; content: string };
        return { code: 0, data: { message_id: `om_bot_${messageId}` } };
      });
    nock(FEISHU_BASE)
      .post('/open-apis/im/v1/messages')
      .query(true)
      .times(20)
      .optionally()
      .reply(200, { code: 0, data: { message_id: 'om_x' } });
    await t.genjin.outbox.runOnce();
    if (!body) throw new Error(`no reply to ${messageId}`);
    return body;
  }
  const cardOf = (b: { content: string }) => JSON.parse(b.content) as Card;
  const textOf = async (messageId: string) => (JSON.parse((await replyTo(messageId)).content) as { text: string }).text;
  /** Each row's markdown (name, then its facts) and the callback values of the card's buttons. */
  const rowsOf = (card: Card) =>
    card.body.elements.filter((e) => e.tag === 'markdown' && String(e.content).includes('阶段')).map((e) => String(e.content));
  const valuesOf = (card: Card): Record<string, string>[] => {
    const found: Record<string, string>[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.type === 'callback' && o.value) found.push(o.value as Record<string, string>);
        Object.values(o).forEach(walk);
      }
    };
    walk(card.body.elements);
    return found;
  };
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;

  it('/公海 lists pool customers, most recently active first, 10 to a card with 领取 on each and 下一页', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const hour = String(23 - i).padStart(2, '0');
      ids.push(await customer(`公海客户${String(i + 1).padStart(2, '0')}`, { last: `2026-11-20T${hour}:00:00Z`, tags: ['制造业'] }));
    }
    const never = await customer('从未跟进');
    await customer('有主客户', { owner: people.li.id, last: '2026-11-24T00:00:00Z' });
    const other = await createTestWorkspace(testDb.handle, 'feishu');
    await customer('别家公海客户', { workspaceId: other, last: '2026-11-24T00:00:00Z' });

    const card = cardOf(await replyTo(await say('/公海', people.zhang)));
    expect(card.header.title.content).toBe('公海客户');
    const rows = rowsOf(card);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toBe(`公海客户01\n<font color='grey'>标签：制造业 · 阶段：新线索 · 最近跟进：11月21日</font>`);
    expect(rows.map((r) => r.split('\n')[0])).toEqual(ids.slice(0, 10).map((_, i) => `公海客户${String(i + 1).padStart(2, '0')}`));
    const values = valuesOf(card);
    const claims = values.filter((v) => v.a === 'pool.claim');
    expect(claims.map((v) => Number(v.id))).toEqual(ids.slice(0, 10));
    const next = values.find((v) => v.a === 'pool.page');
    expect(next).toMatchObject({ a: 'pool.page', p: '2', f: '' });
    expect(JSON.stringify(card)).toContain('下一页');
    expect(JSON.stringify(card)).not.toContain('有主客户');
    expect(JSON.stringify(card)).not.toContain('别家公海客户');

    // 下一页 turns the card into page 2: the last two, then the customer never followed up.
    const page2 = await click(next!, people.zhang);
    expect(page2.card?.data.header.title.content).toBe('公海客户 · 第 2 页');
    expect(rowsOf(page2.card!.data).map((r) => r.split('\n')[0])).toEqual(['公海客户11', '公海客户12', '从未跟进']);
    expect(
      valuesOf(page2.card!.data)
        .filter((v) => v.a === 'pool.claim')
        .map((v) => Number(v.id)),
    ).toEqual([ids[10], ids[11], never]);
    expect(valuesOf(page2.card!.data).some((v) => v.a === 'pool.page')).toBe(false);
  });

  it('/公海 narrows to a tier or a tag, and says so when nothing matches', async () => {
    await customer('甲级客户', { tier: 'A', tags: ['金融'], last: '2026-11-20T00:00:00Z' });
    await customer('乙级客户', { tier: 'B', tags: ['制造业', '重点'], last: '2026-11-21T00:00:00Z' });
    await customer('丙级客户', { tier: 'C', tags: ['制造业'], last: '2026-11-22T00:00:00Z' });

    const tierA = cardOf(await replyTo(await say('/公海 A类', people.zhang)));
    expect(tierA.header.title.content).toBe('公海客户 · A类');
    expect(rowsOf(tierA).map((r) => r.split('\n')[0])).toEqual(['甲级客户']);
    const tagged = cardOf(await replyTo(await say('/pool 制造业', people.zhang)));
    expect(tagged.header.title.content).toBe('公海客户 · 制造业');
    expect(rowsOf(tagged).map((r) => r.split('\n')[0])).toEqual(['丙级客户', '乙级客户']);
    expect(rowsOf(tagged)[1]).toContain('等级：B · 标签：制造业、重点');
    const none = cardOf(await replyTo(await say('/公海 教育', people.zhang)));
    expect(JSON.stringify(none)).toContain('公海里没有「教育」的客户');
    // A filter that looks like SQL or JSON is only a tag that matches nothing.
    const odd = cardOf(await replyTo(await say('/公海 "] OR 1=1 --', people.zhang)));
    expect(rowsOf(odd)).toEqual([]);
  });

  it('two reps claiming at once: exactly one wins, the other is told who; the card updates and the winner gets the customer card', async () => {
    const id = await customer('抢手客户', { last: '2026-11-24T00:00:00Z' });
    const args = { a: 'pool.claim', id: String(id), f: '', from: '', p: '1' };
    const answers = await Promise.all([click(args, people.zhang), click(args, people.li)]);
    const won = answers.filter((a) => a.toast?.type === 'success');
    const lost = answers.filter((a) => a.toast?.type === 'warning');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (await ownerOf(id)) === people.zhang.id ? people.zhang : people.li;
    expect([people.zhang.id, people.li.id]).toContain(await ownerOf(id));
    expect(won[0]!.toast?.content).toBe('已领取「抢手客户」，客户卡片已发给你');
    expect(lost[0]!.toast?.content).toBe(`手慢了：「抢手客户」已被 ${winner.name} 领取`);
    // Both cards are drawn again as the pool now is: the customer is gone from them.
    for (const a of answers) expect(JSON.stringify(a.card?.data)).not.toContain('"id":"' + id + '"');
    expect(JSON.stringify(won[0]!.card?.data)).toContain('✅ 你已领取「抢手客户」· 11月25日 周三 10:00');

    const claims = await testDb.db
      .select()
      .from(assignments)
      .where(and(eq(assignments.customerId, id), eq(assignments.reason, 'claim')));
    expect(claims).toHaveLength(1);
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(id)), eq(auditLog.action, 'customer.claim')));
    expect(audit).toMatchObject({
      actor: `feishu:${winner.openId}`,
      before: { ownerUserId: null },
      after: { ownerUserId: winner.id },
      source: 'card',
    });
    const sent = await testDb.db.select().from(outbox).where(like(outbox.dedupeKey, 'pool-claim:feishu:%'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      target: `feishu:user:${winner.openId}`,
      payload: { kind: 'send', message: { kind: 'card', card: { title: '抢手客户' } } },
    });

    // The winner clicking again changes nothing and says so.
    expect((await click(args, winner)).toast).toEqual({ type: 'info', content: '「抢手客户」已经是你的客户了' });
  });

  it('holds the daily claim limit per rep and local day, and lifts it the next local day', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await customer(`待领客户${i}`, { last: `2026-11-2${i}T00:00:00Z` }));
    const claim = (id: number) => click({ a: 'pool.claim', id: String(id), f: '', from: '', p: '1' }, people.zhang);
    for (const id of ids.slice(0, 3)) expect((await claim(id)).toast?.type).toBe('success');
    const refused = await claim(ids[3]!);
    expect(refused.toast).toEqual({ type: 'warning', content: '今天已领取 3 个客户，达到每日上限，明天再来' });
    expect(refused.card).toBeUndefined();
    expect(await ownerOf(ids[3]!)).toBeNull();
    // Another rep's limit is their own.
    expect((await click({ a: 'pool.claim', id: String(ids[3]), f: '', from: '', p: '1' }, people.li)).toast?.type).toBe('success');
    // 23:59 local is still today; midnight in Asia/Shanghai (16:00 UTC) is a new day.
    t.clock.set('2026-11-25T15:59:00Z');
    expect((await claim(ids[4]!)).toast?.type).toBe('warning');
    t.clock.set('2026-11-25T16:00:01Z');
    expect((await claim(ids[4]!)).toast?.type).toBe('success');
    expect(await ownerOf(ids[4]!)).toBe(people.zhang.id);
  });

  it('a rep cannot re-claim a customer they released within the cooldown; the reason is in the audit log', async () => {
    const id = await customer('反复客户', { last: '2026-11-24T00:00:00Z' });
    const args = { a: 'pool.claim', id: String(id), f: '', from: '', p: '1' };
    expect((await click(args, people.zhang)).toast?.type).toBe('success');
    expect(await textOf(await say('/释放 反复客户 预算取消，明年再看', people.zhang))).toBe(
      '已把「反复客户」放回公海（原因：预算取消，明年再看）',
    );
    expect(await ownerOf(id)).toBeNull();
    const [released] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(id)), eq(auditLog.action, 'customer.release')));
    expect(released).toMatchObject({
      actor: `feishu:${people.zhang.openId}`,
      source: 'command: 预算取消，明年再看',
      after: { ownerUserId: null },
    });

    t.clock.advance(60_000);
    expect((await click(args, people.zhang)).toast).toEqual({
      type: 'warning',
      content: '你刚释放过这个客户，12月2日 周三 10:00 之后才能再领取',
    });
    expect(await ownerOf(id)).toBeNull();
    t.clock.set('2026-12-02T02:00:06Z');
    expect((await click(args, people.zhang)).toast?.type).toBe('success');
    expect(await ownerOf(id)).toBe(people.zhang.id);
  });

  it('a colleague may claim what someone else released, at once', async () => {
    const id = await customer('转手客户', { owner: people.zhang.id });
    await say('/释放 转手客户', people.zhang);
    const answer = await click({ a: 'pool.claim', id: String(id), f: '', from: '', p: '1' }, people.li);
    expect(answer.toast?.type).toBe('success');
    expect(await ownerOf(id)).toBe(people.li.id);
  });

  it('/释放: the owner and their manager may release; other reps and other teams’ managers are refused', async () => {
    const mine = await customer('张三的客户', { owner: people.zhang.id });
    const lis = await customer('李四的客户', { owner: people.li.id });
    const westOnly = await customer('钱七的客户', { owner: people.qian.id });

    expect(await textOf(await say('/释放 李四的客户', people.zhang))).toBe('只能释放自己的客户；经理可以释放所管团队的客户');
    expect(await textOf(await say('/释放 张三的客户', people.zhao))).toBe('只能释放自己的客户；经理可以释放所管团队的客户');
    expect(await textOf(await say('/释放 钱七的客户', people.wang))).toBe('只能释放自己的客户；经理可以释放所管团队的客户');
    expect([await ownerOf(lis), await ownerOf(mine), await ownerOf(westOnly)]).toEqual([people.li.id, people.zhang.id, people.qian.id]);

    expect(await textOf(await say('/release 张三的客户', people.zhang))).toBe('已把「张三的客户」放回公海');
    expect(await ownerOf(mine)).toBeNull();
    const byManager = await say('/释放 李四的客户 客户长期不回复', people.wang);
    expect(await textOf(byManager)).toBe('已把「李四的客户」放回公海（原因：客户长期不回复）');
    expect(await ownerOf(lis)).toBeNull();
    const [notice] = await testDb.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `pool-release:feishu:${byManager}`));
    expect(notice).toMatchObject({
      target: `feishu:user:${people.li.openId}`,
      payload: { message: { kind: 'text', text: '王经理 把你的客户「李四的客户」放回了公海' } },
    });

    expect(await textOf(await say('/释放 张三的客户', people.zhang))).toBe('「张三的客户」已经在公海里了');
    expect(await textOf(await say('/释放 不存在的客户', people.zhang))).toBe('没有找到名为「不存在的客户」的客户');
    expect(await textOf(await say('/释放', people.zhang))).toContain('用法：/释放 客户名 [原因]');
    // Another workspace's customers are not even found by name.
    const stranger = { openId: uniqueId('ou') };
    const outside = await say('/释放 钱七的客户', stranger, { tenant: uniqueId('tenant') });
    expect(await textOf(outside)).toBe('没有找到名为「钱七的客户」的客户');
    expect(await ownerOf(westOnly)).toBe(people.qian.id);
  });

  it('refuses a tampered or foreign claim: a customer of another workspace, an owned customer, a deactivated rep', async () => {
    const other = await createTestWorkspace(testDb.handle, 'feishu');
    const foreign = await customer('别家客户', { workspaceId: other });
    expect((await click({ a: 'pool.claim', id: String(foreign) }, people.zhang)).toast).toEqual({
      type: 'error',
      content: '找不到这个客户，可能已被删除',
    });
    expect((await testDb.db.select().from(customers).where(eq(customers.id, foreign)))[0]?.ownerUserId).toBeNull();
    const owned = await customer('已有主', { owner: people.li.id });
    expect((await click({ a: 'pool.claim', id: String(owned) }, people.zhang)).toast?.content).toBe('手慢了：「已有主」已被 李四 领取');
    expect(await ownerOf(owned)).toBe(people.li.id);
    await testDb.db.update(users).set({ active: false }).where(eq(users.id, people.qian.id));
    const free = await customer('空闲客户');
    expect((await click({ a: 'pool.claim', id: String(free) }, people.qian)).toast).toEqual({
      type: 'error',
      content: '你的账号已停用，不能领取客户',
    });
    expect(await ownerOf(free)).toBeNull();
  });
});
