import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { customers, outbox, reminders, teams, users } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND, type JobRunOptions } from '../../../src/jobs/types.js';
import { buildFeishuTestApp } from '../../helpers/build-test-app.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { seedOwnershipWorkspace, type SeededPerson } from '../../helpers/ownership-seed.js';

type Sent = { to: { id: string }; message: { kind: string; card?: { title: string; fields?: { label: string; value: string }[] } } };

/**
 * The escalation step of the `reminders` job, through the composed service and the real database
 * (Asia/Shanghai, Monday–Friday, escalateAfterDays 3): once per due episode and again after a new
 * one, working days counted across a weekend, to the team's managers or else the admins, skipped
 * when there is nobody, and a dry run that changes nothing.
 */
describe('escalation step of the reminders job', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;

  beforeAll(async () => {
    t = await buildFeishuTestApp(testDb.handle);
  });

  const run = async (at: string, opts: JobRunOptions = RUN_BY_HAND) => {
    t.clock.set(at);
    const job = t.genjin.jobs.find((j) => j.name === 'reminders');
    if (!job) throw new Error('no reminders job');
    return job.run(new Date(at), opts);
  };
  const escalationsOf = (customerId: number) =>
    testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, customerId), eq(reminders.kind, 'escalation')));
  const cardsTo = async (workspaceId: number, person: SeededPerson) =>
    (await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, workspaceId)))
      .map((r) => r.payload as unknown as Sent)
      .filter((p) => p.to.id === person.platformUserId && p.message.card?.title.startsWith('逾期未跟进'));

  /** A customer due at `next` whose first due reminder went out then (as the due step writes it). */
  async function dueCustomer(
    s: Awaited<ReturnType<typeof seedOwnershipWorkspace>>,
    name: string,
    owner: SeededPerson,
    next: string,
    teamId?: number,
  ) {
    const at = new Date(next);
    const id = await s.customer(name, owner, {
      nextFollowUpAt: at,
      lastFollowUpAt: new Date('2026-11-10T02:00:00Z'),
      ...(teamId ? { teamId } : {}),
    });
    await remindDue(s.workspaceId, id, owner.id, at, at);
    return id;
  }
  async function remindDue(workspaceId: number, customerId: number, userId: number, subjectAt: Date, sentAt: Date) {
    await testDb.db.insert(reminders).values({
      workspaceId,
      customerId,
      userId,
      kind: 'due',
      dueDate: sentAt.toISOString().slice(0, 10),
      dueAt: sentAt,
      subjectAt,
      status: 'sent',
      sentAt,
      createdAt: sentAt,
      updatedAt: sentAt,
    });
  }

  it('three working days after the first due reminder (Thursday → Tuesday), once per episode, again after a new one', async () => {
    const s = await seedOwnershipWorkspace(testDb.handle, 'feishu', uniqueId('tenant'));
    const { rep, manager } = s.people;
    // Due Thursday 19 Nov 09:00; working days after: Fri 20, Mon 23, Tue 24.
    const id = await dueCustomer(s, '云帆科技', rep, '2026-11-19T01:00:00Z');
    const handled = await dueCustomer(s, '已跟进公司', rep, '2026-11-19T01:00:00Z');
    await testDb.db
      .update(customers)
      .set({ lastFollowUpAt: new Date('2026-11-20T03:00:00Z') })
      .where(eq(customers.id, handled));

    await run('2026-11-21T02:00:00Z'); // Saturday: nothing at all
    await run('2026-11-23T02:00:00Z'); // Monday: two working days
    expect(await escalationsOf(id)).toHaveLength(0);
    await run('2026-11-24T00:45:00Z'); // Tuesday 08:45: the third working day, before the working day starts
    expect(await escalationsOf(id)).toHaveLength(0);

    const report = await run('2026-11-24T02:00:00Z');
    expect(report.escalation).toMatchObject({ failed: 0 });
    const rows = await escalationsOf(id);
    expect(rows).toMatchObject([{ userId: manager.id, status: 'sent', dueDate: '2026-11-19', action: null }]);
    expect(rows[0]?.subjectAt?.toISOString()).toBe('2026-11-19T01:00:00.000Z');
    expect(await escalationsOf(handled)).toHaveLength(0);
    const [card] = await cardsTo(s.workspaceId, manager);
    expect(card?.message.card).toMatchObject({
      title: '逾期未跟进 · 云帆科技',
      fields: [
        { label: '客户', value: '云帆科技' },
        { label: '负责人', value: '张三' },
        { label: '逾期', value: '已逾期 5 天' },
        { label: '最近跟进', value: '暂无跟进记录' },
      ],
    });

    await run('2026-11-25T02:00:00Z');
    expect(await escalationsOf(id)).toHaveLength(1);
    expect(await cardsTo(s.workspaceId, manager)).toHaveLength(1);

    // The rep postpones to Thursday 26 Nov 09:00 and the due step reminds them then: a new
    // episode, whose first due reminder is Thursday's, escalated on Tuesday 1 Dec.
    await testDb.db
      .update(customers)
      .set({ nextFollowUpAt: new Date('2026-11-26T01:00:00Z') })
      .where(eq(customers.id, id));
    await run('2026-11-26T02:00:00Z');
    const due = await testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, id), eq(reminders.kind, 'due'), eq(reminders.dueDate, '2026-11-26')));
    expect(due[0]?.subjectAt?.toISOString()).toBe('2026-11-26T01:00:00.000Z');
    expect(await escalationsOf(id)).toHaveLength(1);
    await run('2026-11-30T02:00:00Z');
    expect(await escalationsOf(id)).toHaveLength(1);
    await run('2026-12-01T02:00:00Z');
    expect((await escalationsOf(id)).map((r) => r.subjectAt?.toISOString()).sort()).toEqual([
      '2026-11-19T01:00:00.000Z',
      '2026-11-26T01:00:00.000Z',
    ]);
  });

  it('counts from the episode’s first reminder also when it was a summary line, which later days list again without a row', async () => {
    const s = await seedOwnershipWorkspace(testDb.handle, 'feishu', uniqueId('tenant'));
    const ids: number[] = [];
    // Six customers due Thursday 19 Nov from 09:00, a minute apart: five cards a day, the sixth (the least overdue) in the summary.
    for (let i = 0; i < 6; i++)
      ids.push(
        await s.customer(`摘要客户${i}`, s.people.rep, {
          nextFollowUpAt: new Date(Date.parse('2026-11-19T01:00:00Z') + i * 60_000),
          lastFollowUpAt: new Date('2026-11-10T02:00:00Z'),
        }),
      );
    const listed = ids[5]!;
    await run('2026-11-19T02:00:00Z'); // Thursday: the episode's first reminders, the sixth a summary line
    await run('2026-11-20T02:00:00Z'); // Friday
    await run('2026-11-23T02:00:00Z'); // Monday: two working days
    const dueRows = await testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, listed), eq(reminders.kind, 'due')));
    expect(dueRows.map((r) => [r.dueDate, r.inSummary])).toEqual([['2026-11-19', true]]);
    expect(await escalationsOf(listed)).toHaveLength(0);
    await run('2026-11-24T02:00:00Z'); // Tuesday: three working days after Thursday's summary
    for (const id of ids) expect(await escalationsOf(id)).toHaveLength(1);
    await run('2026-11-25T02:00:00Z');
    for (const id of ids) expect(await escalationsOf(id)).toHaveLength(1);
  });

  it("goes to every manager of the customer's team; a team without one goes to the admins; nobody: skipped", async () => {
    const s = await seedOwnershipWorkspace(testDb.handle, 'feishu', uniqueId('tenant'));
    const now = new Date('2026-11-01T00:00:00Z');
    const [second] = await testDb.db.insert(users).values({
      workspaceId: s.workspaceId,
      platformUserId: uniqueId('ou_mgr'),
      name: '周经理',
      role: 'manager',
      teamId: s.east,
      createdAt: now,
      updatedAt: now,
    });
    const [solo] = await testDb.db
      .insert(teams)
      .values({ workspaceId: s.workspaceId, key: uniqueId('solo'), name: 'solo', createdAt: now, updatedAt: now });
    const east = await dueCustomer(s, '东区客户', s.people.rep, '2026-11-19T01:00:00Z');
    const lone = await dueCustomer(s, '无经理团队客户', s.people.rep, '2026-11-19T01:00:00Z', solo.insertId);

    const bare = await createTestWorkspace(testDb.handle, 'feishu');
    const [r] = await testDb.db
      .insert(users)
      .values({ workspaceId: bare, platformUserId: uniqueId('ou_r'), name: '独行', role: 'rep', createdAt: now, updatedAt: now });
    const at = new Date('2026-11-19T01:00:00Z');
    const [c] = await testDb.db.insert(customers).values({
      workspaceId: bare,
      name: '没人管的客户',
      normalizedName: uniqueId('nobody'),
      tags: [],
      ownerUserId: r.insertId,
      nextFollowUpAt: at,
      createdAt: now,
      updatedAt: now,
    });
    await remindDue(bare, c.insertId, r.insertId, at, at);

    const report = await run('2026-11-24T02:00:00Z');
    expect((report.escalation as { skipped: number }).skipped).toBeGreaterThanOrEqual(1);
    expect(await escalationsOf(east)).toHaveLength(1);
    expect(await cardsTo(s.workspaceId, s.people.manager)).toHaveLength(1);
    expect(
      (await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, s.workspaceId)))
        .map((o) => o.payload as unknown as Sent)
        .filter((p) => p.message.card?.title === '逾期未跟进 · 东区客户')
        .map((p) => p.to.id)
        .sort(),
    ).toHaveLength(2);
    expect(await escalationsOf(lone)).toMatchObject([{ userId: s.people.admin.id }]);
    expect((await cardsTo(s.workspaceId, s.people.admin)).map((p) => p.message.card?.title)).toEqual(['逾期未跟进 · 无经理团队客户']);
    expect(await cardsTo(s.workspaceId, s.people.otherManager)).toHaveLength(0);
    expect(await escalationsOf(c.insertId)).toHaveLength(0);
    void second;
  });

  it('no flood: at most maxCardsPerRun (5) cards per manager per run, the most overdue; the rest in one summary card', async () => {
    const s = await seedOwnershipWorkspace(testDb.handle, 'feishu', uniqueId('tenant'));
    const ids: number[] = [];
    // Due Friday 13 Nov … Thursday 19 Nov: the first is the most overdue.
    for (let d = 13; d <= 19; d++) ids.push(await dueCustomer(s, `逾期客户${d}`, s.people.rep, `2026-11-${d}T01:00:00Z`));
    await run('2026-11-24T02:00:00Z');
    const cards = (await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, s.workspaceId)))
      .map((r) => r.payload as unknown as Sent & { message: { card?: { text?: string } } })
      .filter((p) => p.to.id === s.people.manager.platformUserId)
      .map((p) => p.message.card!);
    expect(cards.filter((c) => c.title.startsWith('逾期未跟进')).map((c) => c.title)).toEqual(
      [13, 14, 15, 16, 17].map((d) => `逾期未跟进 · 逾期客户${d}`),
    );
    const summary = cards.find((c) => c.title === '还有 2 个客户逾期未跟进');
    expect(summary?.text).toBe('· 逾期客户18 · 张三 · 已逾期 6 天\n· 逾期客户19 · 张三 · 已逾期 5 天');
    const rows = await Promise.all(ids.map(async (id) => (await escalationsOf(id))[0]));
    expect(rows.map((r) => r?.inSummary)).toEqual([false, false, false, false, false, true, true]);
  });

  it('a dry run prints one line per card and changes nothing', async () => {
    const s = await seedOwnershipWorkspace(testDb.handle, 'feishu', uniqueId('tenant'));
    const id = await dueCustomer(s, '演练客户', s.people.rep, '2026-11-19T01:00:00Z');
    const lines: Record<string, unknown>[] = [];
    await run('2026-11-24T02:00:00Z', { dryRun: true, spread: false, emit: (l) => lines.push(l) });
    expect(lines.filter((l) => l.customerId === id && l.kind === 'escalation')).toEqual([
      { recipient: `feishu:${s.people.manager.platformUserId}`, kind: 'escalation', customer: '演练客户', customerId: id },
    ]);
    expect(await escalationsOf(id)).toHaveLength(0);
    expect(await cardsTo(s.workspaceId, s.people.manager)).toHaveLength(0);
  });

  it('two runners at once escalate once', async () => {
    const s = await seedOwnershipWorkspace(testDb.handle, 'feishu', uniqueId('tenant'));
    const id = await dueCustomer(s, '并发客户', s.people.rep, '2026-11-19T01:00:00Z');
    await Promise.all([run('2026-11-24T02:00:00Z'), run('2026-11-24T02:00:00Z')]);
    expect(await escalationsOf(id)).toHaveLength(1);
    expect(await cardsTo(s.workspaceId, s.people.manager)).toHaveLength(1);
  });
});
