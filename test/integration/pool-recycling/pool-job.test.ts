import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignments, auditLog, customers, outbox, reminders } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND, type JobRunOptions } from '../../../src/jobs/types.js';
import { buildFeishuTestApp, FEISHU_KEY, FEISHU_TOKEN } from '../../helpers/build-test-app.js';
import { feishuMessageEvent } from '../../helpers/feishu-events.js';
import { feishuSignedRequest } from '../../helpers/feishu-sign.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { seedOwnershipWorkspace, type SeededPerson } from '../../helpers/ownership-seed.js';

type Sent = {
  to: { id: string };
  message: { kind: string; text?: string; card?: { title: string; form?: unknown; buttons?: { label: string }[] } };
};

/**
 * The `pool` job through the composed service on the real database, in Asia/Shanghai with
 * Monday–Friday working days and the default 60 days / 2 days' warning: the warning, then the
 * recycling with its rows and the old owner's one notice; a warning that falls on a weekend moves
 * (and the release with it); a note in between, a claim or a reassignment restart the clock;
 * per-tier days; re-runs and two runners at once act once; a dry run changes nothing.
 */
describe('pool job: warnings, then recycling', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let tiered: Awaited<ReturnType<typeof buildFeishuTestApp>>;

  beforeAll(async () => {
    t = await buildFeishuTestApp(testDb.handle);
    const dir = mkdtempSync(join(tmpdir(), 'genjin-pool-tiers-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ pool: { releaseAfterDays: { A: 90, B: 60, C: 30 }, warnDaysBefore: 2 } }));
    tiered = await buildFeishuTestApp(testDb.handle, { env: { GENJIN_CONFIG: join(dir, 'settings.json') } });
  });

  const run = async (app: typeof t, at: string, opts: JobRunOptions = RUN_BY_HAND) => {
    app.clock.set(at);
    const job = app.genjin.jobs.find((j) => j.name === 'pool');
    if (!job) throw new Error('no pool job');
    return job.run(new Date(at), opts);
  };
  const seed = async () => {
    const tenant = uniqueId('tenant');
    return { ...(await seedOwnershipWorkspace(testDb.handle, 'feishu', tenant)), tenant };
  };
  const warningsOf = (customerId: number) =>
    testDb.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.customerId, customerId), eq(reminders.kind, 'pool_warning')));
  const sentTo = async (workspaceId: number, person: SeededPerson) =>
    (await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, workspaceId)))
      .map((r) => r.payload as unknown as Sent)
      .filter((p) => p.to.id === person.platformUserId);
  const ownerOf = async (id: number) => (await testDb.db.select().from(customers).where(eq(customers.id, id)))[0]!;
  const quiet = (last: string) => ({ lastFollowUpAt: new Date(last), createdAt: new Date('2026-06-01T00:00:00Z') });

  it('warns on the warning day, once; recycles on the release day with assignments, audit and one notice', async () => {
    const s = await seed();
    const { rep } = s.people;
    // Last follow-up Monday 28 Sep: release day Friday 27 Nov, warning day Wednesday 25 Nov.
    const a = await s.customer('云帆科技', rep, quiet('2026-09-28T02:00:00Z'));
    const b = await s.customer('星河贸易', rep, quiet('2026-09-28T03:00:00Z'));
    const fresh = await s.customer('晨光文具', rep, quiet('2026-11-20T03:00:00Z'));

    await run(t, '2026-11-24T02:00:00Z');
    expect(await warningsOf(a)).toHaveLength(0);

    const warned = await run(t, '2026-11-25T02:00:00Z');
    expect(warned).toMatchObject({ warned: 2, recycled: 0, owners: 0, failed: 0 });
    const [row] = await warningsOf(a);
    expect(row).toMatchObject({ userId: rep.id, status: 'sent', dueDate: '2026-09-28' });
    expect(row?.subjectAt?.toISOString()).toBe('2026-09-28T02:00:00.000Z');
    const cards = (await sentTo(s.workspaceId, rep)).map((p) => p.message.card!);
    expect(cards.map((c) => c.title).sort()).toEqual(['即将回到公海 · 云帆科技', '即将回到公海 · 星河贸易']);
    expect(cards[0]!.buttons!.map((x) => x.label)).toEqual(['释放', '转交']);
    expect(cards[0]!.form).toMatchObject({ submitLabel: '保留' });

    // The next day: nothing new, not a second warning.
    expect(await run(t, '2026-11-26T02:00:00Z')).toMatchObject({ warned: 0, recycled: 0 });
    expect(await warningsOf(a)).toHaveLength(1);

    const recycled = await run(t, '2026-11-27T02:00:00Z');
    expect(recycled).toMatchObject({ warned: 0, recycled: 2, owners: 1, failed: 0 });
    const after = await ownerOf(a);
    expect(after.ownerUserId).toBeNull();
    expect(after.pooledAt?.toISOString()).toBe('2026-11-27T02:00:00.000Z');
    expect((await ownerOf(fresh)).ownerUserId).toBe(rep.id);
    const moves = await testDb.db.select().from(assignments).where(eq(assignments.customerId, a));
    expect(moves).toMatchObject([{ fromUserId: rep.id, toUserId: null, reason: 'recycle', actorUserId: null }]);
    const audit = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'customer'), eq(auditLog.subjectId, String(b))));
    expect(audit).toMatchObject([
      { actor: 'system:pool', action: 'customer.recycle', before: { ownerUserId: rep.id }, after: { ownerUserId: null } },
    ]);
    expect((await warningsOf(a))[0]?.status).toBe('cancelled');
    const notices = (await sentTo(s.workspaceId, rep)).filter((p) => p.message.kind === 'text');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message.text).toBe(
      [
        '以下 2 个客户已回到公海：',
        '· 云帆科技（60 天未跟进）',
        '· 星河贸易（60 天未跟进）',
        '想继续跟进的，可以发送 /公海 重新领取。',
      ].join('\n'),
    );

    // A re-run of the same day changes and sends nothing.
    expect(await run(t, '2026-11-27T02:30:00Z')).toMatchObject({ warned: 0, recycled: 0, owners: 0 });
    expect(await testDb.db.select().from(assignments).where(eq(assignments.customerId, a))).toHaveLength(1);
    expect((await sentTo(s.workspaceId, rep)).filter((p) => p.message.kind === 'text')).toHaveLength(1);
  });

  it('a warning day on a weekend moves to Monday, and the release with it', async () => {
    const s = await seed();
    // Last follow-up Thursday 1 Oct: release day Monday 30 Nov, warning day Saturday 28 Nov.
    const id = await s.customer('周末客户', s.people.rep, quiet('2026-10-01T02:00:00Z'));
    await run(t, '2026-11-27T02:00:00Z');
    await run(t, '2026-11-28T02:00:00Z');
    expect(await warningsOf(id)).toHaveLength(0);
    await run(t, '2026-11-30T02:00:00Z');
    expect(await warningsOf(id)).toHaveLength(1);
    expect((await ownerOf(id)).ownerUserId).toBe(s.people.rep.id);
    await run(t, '2026-12-01T02:00:00Z');
    expect((await ownerOf(id)).ownerUserId).toBe(s.people.rep.id);
    await run(t, '2026-12-02T02:00:00Z');
    expect((await ownerOf(id)).ownerUserId).toBeNull();
  });

  it('a note logged after the warning restarts the clock: no recycling, and the next warning belongs to the new episode', async () => {
    const s = await seed();
    const id = await s.customer('云帆科技', s.people.rep, quiet('2026-09-28T02:00:00Z'));
    await run(t, '2026-11-25T02:00:00Z');
    expect(await warningsOf(id)).toHaveLength(1);
    // The owner writes a note about it (the real webhook → inbox → note path), the day after the warning.
    t.clock.set('2026-11-26T03:00:00Z');
    const event = feishuMessageEvent({
      text: '云帆科技 今天电话沟通了报价，下周再联系',
      token: FEISHU_TOKEN,
      tenant: s.tenant,
      senderOpenId: s.people.rep.platformUserId,
      chatId: `oc_${s.people.rep.platformUserId}`,
      createTime: t.clock.now(),
    });
    const signed = feishuSignedRequest(FEISHU_KEY, event, { timestamp: Math.floor(t.clock.now().getTime() / 1000) });
    expect(
      (await t.app.inject({ method: 'POST', url: '/webhooks/feishu', payload: signed.body, headers: signed.headers })).statusCode,
    ).toBe(200);
    await t.genjin.worker.drain();
    expect((await ownerOf(id)).lastFollowUpAt?.toISOString()).toBe('2026-11-26T03:00:00.000Z');
    await run(t, '2026-11-27T02:00:00Z');
    expect((await ownerOf(id)).ownerUserId).toBe(s.people.rep.id);
    expect(await warningsOf(id)).toHaveLength(1);
    // 60 days after the note is Monday 25 Jan; its warning day (Saturday 23 Jan) moves to that Monday.
    await run(t, '2027-01-22T02:00:00Z');
    expect(await warningsOf(id)).toHaveLength(1);
    await run(t, '2027-01-25T02:00:00Z');
    const episodes = (await warningsOf(id)).map((w) => w.subjectAt?.toISOString()).sort();
    expect(episodes).toEqual(['2026-09-28T02:00:00.000Z', '2026-11-26T03:00:00.000Z']);
    expect((await ownerOf(id)).ownerUserId).toBe(s.people.rep.id);
  });

  it('a customer just claimed or reassigned counts from when its owner got it', async () => {
    const s = await seed();
    const id = await s.customer('刚领取的客户', s.people.rep, quiet('2026-08-01T02:00:00Z'));
    await testDb.db.insert(assignments).values({
      workspaceId: s.workspaceId,
      customerId: id,
      fromUserId: null,
      toUserId: s.people.rep.id,
      reason: 'claim',
      actorUserId: s.people.rep.id,
      createdAt: new Date('2026-11-20T02:00:00Z'),
    });
    // An older owner's assignment does not count for the current owner.
    const other = await s.customer('早已转走的客户', s.people.rep, quiet('2026-08-01T02:00:00Z'));
    await testDb.db.insert(assignments).values({
      workspaceId: s.workspaceId,
      customerId: other,
      fromUserId: null,
      toUserId: s.people.rep2.id,
      reason: 'claim',
      actorUserId: s.people.rep2.id,
      createdAt: new Date('2026-11-20T02:00:00Z'),
    });
    await run(t, '2026-11-25T02:00:00Z');
    expect(await warningsOf(id)).toHaveLength(0);
    expect(await warningsOf(other)).toHaveLength(1);
  });

  it('per tier: A 90, B 60, untiered as C 30 days', async () => {
    const s = await seed();
    const last = quiet('2026-09-28T02:00:00Z');
    const a = await s.customer('A级客户', s.people.rep, { ...last, tier: 'A' });
    const b = await s.customer('B级客户', s.people.rep, { ...last, tier: 'B' });
    const none = await s.customer('未分级客户', s.people.rep, { ...last, tier: null });
    await run(tiered, '2026-11-25T02:00:00Z');
    expect((await warningsOf(a)).length).toBe(0);
    expect((await warningsOf(b)).length).toBe(1);
    expect((await warningsOf(none)).length).toBe(1);
    await run(tiered, '2026-11-27T02:00:00Z');
    expect((await ownerOf(a)).ownerUserId).toBe(s.people.rep.id);
    expect((await ownerOf(b)).ownerUserId).toBeNull();
    expect((await ownerOf(none)).ownerUserId).toBeNull();
    const text = (await sentTo(s.workspaceId, s.people.rep)).find((p) => p.message.kind === 'text')?.message.text;
    expect(text).toContain('· 未分级客户（60 天未跟进）');
  });

  it('two runners at once warn once and recycle once', async () => {
    const s = await seed();
    const id = await s.customer('并发客户', s.people.rep, quiet('2026-09-28T02:00:00Z'));
    await Promise.all([run(t, '2026-11-25T02:00:00Z'), run(t, '2026-11-25T02:00:00Z')]);
    expect(await warningsOf(id)).toHaveLength(1);
    expect((await sentTo(s.workspaceId, s.people.rep)).filter((p) => p.message.kind === 'card')).toHaveLength(1);
    await Promise.all([run(t, '2026-11-27T02:00:00Z'), run(t, '2026-11-27T02:00:00Z')]);
    expect(await testDb.db.select().from(assignments).where(eq(assignments.customerId, id))).toHaveLength(1);
    expect((await sentTo(s.workspaceId, s.people.rep)).filter((p) => p.message.kind === 'text')).toHaveLength(1);
  });

  it('no flood: at most maxCardsPerRun warning cards per owner and run, the rest in one summary card, and all of them recycled later', async () => {
    const s = await seed();
    // Seven customers reaching their warning day together (the default cap is 5); the oldest first.
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await s.customer(`批量客户${i}`, s.people.rep, quiet(`2026-09-28T0${i}:00:00Z`)));
    expect(await run(t, '2026-11-25T02:00:00Z')).toMatchObject({ warned: 7, failed: 0 });
    const sent = (await sentTo(s.workspaceId, s.people.rep)).map((p) => p.message.card!);
    expect(sent).toHaveLength(6);
    expect(sent.filter((c) => c.title.startsWith('即将回到公海 · ')).map((c) => c.title)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `即将回到公海 · 批量客户${i}`),
    );
    const summary = sent.find((c) => c.title === '还有 2 个客户即将回到公海') as { text?: string } | undefined;
    expect(summary?.text).toContain('批量客户5');
    expect(summary?.text).toContain('批量客户6');
    const rows = (await Promise.all(ids.map(warningsOf))).map((r) => r[0]!);
    expect(rows.map((r) => r.inSummary)).toEqual([false, false, false, false, false, true, true]);
    // The same run again sends nothing more; the summary's customers were warned too, so they go back on the release day.
    await run(t, '2026-11-25T02:00:00Z');
    expect(await sentTo(s.workspaceId, s.people.rep)).toHaveLength(6);
    expect(await run(t, '2026-11-27T02:00:00Z')).toMatchObject({ recycled: 7 });
  });

  it('a dry run prints one line per warning and recycle and changes nothing', async () => {
    const s = await seed();
    const id = await s.customer('演练客户', s.people.rep, quiet('2026-09-28T02:00:00Z'));
    const lines: Record<string, unknown>[] = [];
    await run(t, '2026-11-25T02:00:00Z', { dryRun: true, spread: false, emit: (l) => lines.push(l) });
    expect(lines.filter((l) => l.customerId === id)).toEqual([
      { recipient: `feishu:${s.people.rep.platformUserId}`, kind: 'pool_warning', customer: '演练客户', customerId: id },
    ]);
    expect(await warningsOf(id)).toHaveLength(0);
    expect(await sentTo(s.workspaceId, s.people.rep)).toHaveLength(0);
  });

  it('one owner failing is counted while the others get theirs', async () => {
    const s = await seed();
    const ok = await s.customer('正常客户', s.people.rep2, quiet('2026-09-28T02:00:00Z'));
    // An owner id with no user row: that owner's batch fails.
    await s.customer('孤儿客户', { id: 2_000_000_000, platformUserId: 'ou_none', name: '?' }, quiet('2026-09-28T02:00:00Z'));
    const report = await run(t, '2026-11-25T02:00:00Z');
    expect(report.failed).toBeGreaterThanOrEqual(1);
    expect(await warningsOf(ok)).toHaveLength(1);
  });
});
