import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TeamFigures } from '../../../src/domain/digest/figures.js';
import { outbox, teamDigests, users } from '../../../src/db/schema/index.js';
import { RUN_BY_HAND, SCHEDULED_RUN } from '../../../src/jobs/types.js';
import { buildFeishuTestApp } from '../../helpers/build-test-app.js';
import { runCliCapturing } from '../../helpers/run-cli.js';
import { useTestDatabase } from '../../helpers/db.js';
import { RUN_AT, seedKnownWeek, WEEK_START } from './seed-week.js';

/**
 * The digest of a known week (seed-week.ts), through the composed service's `digest` job on the
 * real database: every figure, the at-risk ranking, and one digest per team and week.
 */
describe('digest: the figures of a known week', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let w: Awaited<ReturnType<typeof seedKnownWeek>>;
  let figures: TeamFigures;
  const job = () => t.genjin.jobs.find((j) => j.name === 'digest')!;
  const digestsOf = (workspaceId: number) => testDb.db.select().from(teamDigests).where(eq(teamDigests.workspaceId, workspaceId));
  const outboxOf = (workspaceId: number) => testDb.db.select().from(outbox).where(eq(outbox.workspaceId, workspaceId));

  beforeAll(async () => {
    t = await buildFeishuTestApp(testDb.handle, { now: RUN_AT.toISOString() });
    w = await seedKnownWeek(testDb.handle, 'feishu', `tenant_${Math.random().toString(36).slice(2)}`, { digestChat: 'oc_east' });
    await job().run(RUN_AT, SCHEDULED_RUN);
    const [row] = await testDb.db
      .select()
      .from(teamDigests)
      .where(and(eq(teamDigests.workspaceId, w.workspaceId), eq(teamDigests.teamId, w.teamKey)));
    figures = row!.figures as TeamFigures;
  });

  it('reports the week that just ended, Monday 00:00 to Monday 00:00 in the workspace zone', () => {
    expect(figures.week).toEqual({
      startDay: WEEK_START,
      start: '2026-11-15T16:00:00.000Z',
      end: '2026-11-22T16:00:00.000Z',
      asOf: '2026-11-22T16:00:00.000Z',
      complete: true,
    });
  });

  it('has a row per active rep, the idle one named, managers and gone reps left out', () => {
    expect(figures.reps.map((r) => r.name)).toEqual(['张三', '李四', '周八']);
    const [zhang, li, zhou] = figures.reps;
    expect(zhang).toMatchObject({ followUps: 3, followUpsLastWeek: 2, customersTouched: 2, newCustomers: 0, overdue: 0, quiet: 0 });
    expect(zhang!.stageMoves).toEqual([
      { customerId: w.c.yunfan, customer: '云帆科技', from: 'quote', to: 'negotiation', amount: 380000 },
      { customerId: w.c.beichen, customer: '北辰物流', from: 'negotiation', to: 'won', amount: 520000 },
    ]);
    // The collaboration note on 云帆 moves nothing; the undone and draft notes do not count.
    expect(li).toMatchObject({
      followUps: 2,
      followUpsLastWeek: 2,
      customersTouched: 2,
      newCustomers: 1,
      stageMoves: [],
      overdue: 1,
      quiet: 3,
    });
    expect(zhou).toMatchObject({
      followUps: 0,
      followUpsLastWeek: 1,
      customersTouched: 0,
      newCustomers: 0,
      stageMoves: [],
      overdue: 1,
      quiet: 1,
    });
  });

  it('totals the team: follow-ups against last week, won, new customers, pipeline by open stage', () => {
    expect(figures.totals).toEqual({
      followUps: 5,
      followUpsLastWeek: 5,
      newCustomers: 1,
      pipeline: [
        { stage: 'lead', count: 4, amount: 0 },
        { stage: 'qualified', count: 1, amount: 50000 },
        { stage: 'proposal', count: 1, amount: 1000000 },
        { stage: 'quote', count: 1, amount: 200000 },
        { stage: 'negotiation', count: 1, amount: 380000 },
      ],
      pipelineAmount: 1630000,
      pipelineAmountLastWeek: null,
      won: { count: 1, amount: 520000 },
      wonLastWeek: { count: 0, amount: 0 },
    });
  });

  it('ranks the five most at risk: days late weighted by amount; not another team’s, the pool’s or a lost one', () => {
    expect(figures.atRisk.map((r) => [r.name, r.owner?.name, r.overdueDays, r.silentDays, r.quietLimit, r.score])).toEqual([
      // (15 + 1) × (1 + log10(101)): 22 days silent against A's 7, and 3 days overdue.
      ['金鼎集团', '周八', 3, 22, 7, 48.07],
      // (9 + 1) × (1 + log10(21)): 9 days overdue.
      ['华信银行', '李四', 9, 12, 14, 23.22],
      // 34 days silent against min(C 30, atRiskDays 21) = 21.
      ['保利地产', '李四', 0, 34, 21, 14],
      ['安达商贸', '李四', 0, 9, 7, 3],
      ['博雅文化', '李四', 0, 8, 7, 2],
    ]);
    // 启明教育 (score 1.78) is the sixth and stays out.
    expect(figures.atRisk.some((r) => r.customerId === w.c.qiming)).toBe(false);
    expect(figures.people.map((p) => p.name).sort()).toEqual(['周八', '张三', '李四', '王经理'].sort());
  });

  it('sends once per team and week: a re-run, a run by hand and two concurrent runners add nothing', async () => {
    const before = await outboxOf(w.workspaceId);
    // east to its chat; west (no chat) to its manager 赵经理.
    expect(before.map((r) => r.target).sort()).toEqual(
      ['feishu:chat:oc_east', `feishu:user:${w.people.otherManager.platformUserId}`].sort(),
    );
    await job().run(RUN_AT, RUN_BY_HAND);
    await Promise.all([
      job().run(new Date(RUN_AT.getTime() + 60_000), SCHEDULED_RUN),
      job().run(new Date(RUN_AT.getTime() + 60_000), SCHEDULED_RUN),
    ]);
    expect(await outboxOf(w.workspaceId)).toHaveLength(2);
    expect((await digestsOf(w.workspaceId)).map((d) => d.weekStart)).toEqual([WEEK_START, WEEK_START]);
  });

  it('two runners racing on a week not sent yet: one digest per team, one message per recipient', async () => {
    const weekLater = new Date(RUN_AT.getTime() + 21 * 86_400_000);
    const reports = await Promise.all([job().run(weekLater, SCHEDULED_RUN), job().run(weekLater, SCHEDULED_RUN)]);
    const rows = (await digestsOf(w.workspaceId)).filter((d) => d.weekStart === '2026-12-07');
    expect(rows).toHaveLength(2);
    const sent = (await outboxOf(w.workspaceId)).filter((r) => rows.some((d) => r.dedupeKey?.startsWith(`digest:${d.id}:`)));
    expect(sent.map((r) => r.target).sort()).toEqual(['feishu:chat:oc_east', `feishu:user:${w.people.otherManager.platformUserId}`].sort());
    // Across both runners, every team of the database was sent by exactly one of them.
    const [a, b] = reports as unknown as { sent: number; alreadySent: number; failed: number }[];
    expect(a!.sent + b!.sent).toBe(a!.sent + a!.alreadySent);
    expect(a!.sent + b!.sent).toBe(b!.sent + b!.alreadySent);
    expect(a!.failed + b!.failed).toBe(0);
  });

  it('next week compares the pipeline with this week’s stored digest', async () => {
    const next = new Date(RUN_AT.getTime() + 7 * 86_400_000);
    const report = await job().run(next, RUN_BY_HAND);
    expect(report).toMatchObject({ failed: 0 });
    const [row] = await testDb.db
      .select()
      .from(teamDigests)
      .where(and(eq(teamDigests.workspaceId, w.workspaceId), eq(teamDigests.teamId, w.teamKey), eq(teamDigests.weekStart, '2026-11-23')));
    const nextFigures = row!.figures as TeamFigures;
    expect(nextFigures.totals.pipelineAmountLastWeek).toBe(1630000);
    expect(nextFigures.totals.followUpsLastWeek).toBe(5);
    // The note at 00:30 on Monday 11-23 belongs to this new week.
    expect(nextFigures.totals.followUps).toBe(1);
  });

  it('a dry run prints one line per recipient with the figures and changes nothing', async () => {
    const lines: Record<string, unknown>[] = [];
    const later = new Date(RUN_AT.getTime() + 14 * 86_400_000);
    const rows = (await digestsOf(w.workspaceId)).length;
    const queued = (await outboxOf(w.workspaceId)).length;
    // west without a manager: no chat and nobody to message, printed with recipient null.
    await testDb.db.update(users).set({ role: 'rep' }).where(eq(users.id, w.people.otherManager.id));
    await job().run(later, { dryRun: true, spread: false, emit: (line) => lines.push(line) });
    await testDb.db.update(users).set({ role: 'manager' }).where(eq(users.id, w.people.otherManager.id));
    expect(lines.filter((l) => l.recipient === null).map((l) => (l.figures as TeamFigures).team.id)).toEqual([w.west]);
    const east = lines.find((l) => l.recipient === 'feishu:chat:oc_east');
    expect(east).toMatchObject({ kind: 'digest', team: w.teamKey, week: '2026-11-30' });
    expect((east!.figures as TeamFigures).reps.map((r) => r.name)).toEqual(['张三', '李四', '周八']);
    expect((await digestsOf(w.workspaceId)).length).toBe(rows);
    expect((await outboxOf(w.workspaceId)).length).toBe(queued);
  });

  it('genjin jobs run digest --now … --dry-run prints the digests as JSON lines and changes nothing', async () => {
    const rows = (await digestsOf(w.workspaceId)).length;
    const queued = (await outboxOf(w.workspaceId)).length;
    const { code, out } = await runCliCapturing(['jobs', 'run', 'digest', '--now', '2026-12-28T09:00:00+08:00', '--dry-run'], {
      DATABASE_URL: testDb.url,
      GENJIN_CONFIG: '',
    });
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; team: string; week: string; recipient: string; figures: TeamFigures });
    const east = lines.find((l) => l.recipient === 'feishu:chat:oc_east');
    expect(east).toMatchObject({ kind: 'digest', team: w.teamKey, week: '2026-12-21' });
    expect(east!.figures.reps.map((r) => [r.name, r.followUps])).toEqual([
      ['张三', 0],
      ['李四', 0],
      ['周八', 0],
    ]);
    expect((await digestsOf(w.workspaceId)).length).toBe(rows);
    expect((await outboxOf(w.workspaceId)).length).toBe(queued);
  });
});
