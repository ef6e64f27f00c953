import { and, eq } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { reminderOutbound } from '../../../src/bot/reminders/reminder-outbound.js';
import { customers, outbox, reminders } from '../../../src/db/schema/index.js';
import type { ReminderOutbound } from '../../../src/domain/reminders/run-reminders.js';
import { RUN_BY_HAND, SCHEDULED_RUN } from '../../../src/jobs/types.js';
import { buildFeishuTestApp } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { runCliCapturing } from '../../helpers/run-cli.js';
import { seedReminderWorkspace } from './seed.js';

type Card = { title: string; text?: string; notes?: string[] };
const NOW = '2026-11-25T10:00:00+08:00';

/**
 * How a run sends: at most maxCardsPerRun cards per rep and one summary card for the rest; nothing
 * twice on a re-run, with two runners at once, or after a run that stopped between reps; one
 * failing recipient does not stop the others; a dry run (also from the CLI) only prints.
 */
describe('reminders: a run', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  const job = () => {
    const j = t.genjin.jobs.find((x) => x.name === 'reminders');
    if (!j) throw new Error('no reminders job');
    return j;
  };
  const rowsOf = (w: number) => testDb.db.select().from(reminders).where(eq(reminders.workspaceId, w)).orderBy(reminders.id);
  const outboxOf = (w: number) => testDb.db.select().from(outbox).where(eq(outbox.workspaceId, w)).orderBy(outbox.id);
  const cardOf = (row: { payload: unknown }) => (row.payload as { message: { card: Card } }).message.card;

  beforeAll(async () => {
    t = await buildFeishuTestApp(testDb.handle, { now: NOW });
  });

  async function eightDue() {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    // Customer i is i+1 days overdue: the most overdue is 客户8.
    for (let i = 0; i < 8; i++)
      await s.customer(`客户${i + 1}`, zhang, { next: new Date(Date.parse('2026-11-24T09:00:00+08:00') - i * 86_400_000).toISOString() });
    return { s, zhang };
  }

  it('caps the cards per rep and lists the rest, most overdue first, on one summary card', async () => {
    const { s } = await eightDue();
    await job().run(new Date(NOW), RUN_BY_HAND);
    const rows = await rowsOf(s.workspaceId);
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.inSummary)).toHaveLength(3);
    const sent = (await outboxOf(s.workspaceId)).map(cardOf);
    expect(sent.map((c) => c.title)).toEqual(['客户8', '客户7', '客户6', '客户5', '客户4', '还有 3 个客户待跟进']);
    expect(sent[5]?.text).toBe('• 客户3 · 已逾期 3 天\n• 客户2 · 已逾期 2 天\n• 客户1 · 已逾期 1 天');
    expect(sent[5]?.notes).toEqual(['发送 /我的 查看全部']);
    // The summary's customers count as reminded today.
    await job().run(new Date('2026-11-25T10:15:00+08:00'), RUN_BY_HAND);
    expect(await outboxOf(s.workspaceId)).toHaveLength(6);
  });

  it('the next working day: the most overdue get cards again, the rest one summary; a repeat in the summary gets no row, and the runs later that day send only what fell due since', async () => {
    const { s, zhang } = await eightDue();
    await job().run(new Date(NOW), RUN_BY_HAND);
    expect(await rowsOf(s.workspaceId)).toHaveLength(8);
    await job().run(new Date('2026-11-26T09:00:00+08:00'), RUN_BY_HAND);
    const thursday = (await rowsOf(s.workspaceId)).filter((r) => r.dueDate === '2026-11-26');
    // 客户8…客户4 carded again; 客户3…客户1 were reminded on Wednesday in this episode: listed, no row.
    expect(thursday.map((r) => r.inSummary)).toEqual([false, false, false, false, false]);
    const sent = (await outboxOf(s.workspaceId)).map(cardOf);
    expect(sent.slice(6).map((c) => c.title)).toEqual(['客户8', '客户7', '客户6', '客户5', '客户4', '还有 3 个客户待跟进']);
    expect(sent[11]?.text).toBe('• 客户3 · 已逾期 4 天\n• 客户2 · 已逾期 3 天\n• 客户1 · 已逾期 2 天');
    // The same slot again (by hand, or after a crash): nothing.
    await job().run(new Date('2026-11-26T09:00:00+08:00'), RUN_BY_HAND);
    expect(await outboxOf(s.workspaceId)).toHaveLength(12);
    // Later the same day: nothing of what the morning listed; a customer that fell due since gets its card.
    await s.customer('客户9', zhang, { next: '2026-11-26T09:10:00+08:00' });
    await job().run(new Date('2026-11-26T09:15:00+08:00'), RUN_BY_HAND);
    await job().run(new Date('2026-11-26T09:30:00+08:00'), RUN_BY_HAND);
    expect(
      (await outboxOf(s.workspaceId))
        .map(cardOf)
        .slice(12)
        .map((c) => c.title),
    ).toEqual(['客户9']);
    expect(await rowsOf(s.workspaceId)).toHaveLength(14);
  });

  it('a customer the round listed, postponed to later that day, leads a later summary: that summary is sent too', async () => {
    const { s, zhang } = await eightDue();
    await job().run(new Date(NOW), RUN_BY_HAND);
    await job().run(new Date('2026-11-26T09:00:00+08:00'), RUN_BY_HAND);
    // 客户3 led Thursday's summary; postponed to 14:00 it is a new episode, due again today.
    const [third] = await testDb.db
      .select()
      .from(customers)
      .where(and(eq(customers.workspaceId, s.workspaceId), eq(customers.name, '客户3')));
    await testDb.db
      .update(customers)
      .set({ nextFollowUpAt: new Date('2026-11-26T14:00:00+08:00') })
      .where(eq(customers.id, third!.id));
    for (let i = 0; i < 5; i++) await s.customer(`新客户${i}`, zhang, { next: `2026-11-26T10:0${i}:00+08:00` });
    await job().run(new Date('2026-11-26T14:05:00+08:00'), RUN_BY_HAND);
    const later = (await outboxOf(s.workspaceId)).map(cardOf).slice(12);
    expect(later.map((c) => c.title)).toEqual(['新客户0', '新客户1', '新客户2', '新客户3', '新客户4', '还有 1 个客户待跟进']);
    expect(later[5]?.text).toContain('客户3');
  });

  it('two runners on the next working day send the day’s cards and summary once', async () => {
    const { s } = await eightDue();
    await job().run(new Date(NOW), RUN_BY_HAND);
    const thursday = new Date('2026-11-26T09:00:00+08:00');
    await Promise.all([job().run(thursday, RUN_BY_HAND), job().run(thursday, RUN_BY_HAND), job().run(thursday, RUN_BY_HAND)]);
    expect(
      (await outboxOf(s.workspaceId))
        .map(cardOf)
        .slice(6)
        .map((c) => c.title),
    ).toEqual(['客户8', '客户7', '客户6', '客户5', '客户4', '还有 3 个客户待跟进']);
    expect(await rowsOf(s.workspaceId)).toHaveLength(13);
  });

  it('re-running the slot sends nothing twice; each card is keyed by its reminder and linked to it', async () => {
    const { s } = await eightDue();
    await job().run(new Date(NOW), RUN_BY_HAND);
    await job().run(new Date(NOW), RUN_BY_HAND);
    const rows = await rowsOf(s.workspaceId);
    const sent = await outboxOf(s.workspaceId);
    expect(rows).toHaveLength(8);
    expect(sent).toHaveLength(6);
    const cardRows = rows.filter((r) => !r.inSummary);
    expect(sent.slice(0, 5).map((o) => o.dedupeKey)).toEqual(cardRows.map((r) => `reminder:${r.id}`));
    expect(sent.slice(0, 5).map((o) => (o.payload as { link?: unknown }).link)).toEqual(
      cardRows.map((r) => ({ kind: 'reminder', id: r.id })),
    );
  });

  it('two runners at once make each reminder and each message once', async () => {
    const { s } = await eightDue();
    const other = await seedReminderWorkspace(testDb.handle, 'feishu');
    const li = await other.rep('李四');
    for (let i = 0; i < 4; i++) await other.customer(`并发${i}`, li, { next: '2026-11-25T09:00:00+08:00' });
    await Promise.all([
      job().run(new Date(NOW), RUN_BY_HAND),
      job().run(new Date(NOW), RUN_BY_HAND),
      job().run(new Date(NOW), RUN_BY_HAND),
    ]);
    expect(await rowsOf(s.workspaceId)).toHaveLength(8);
    expect(await outboxOf(s.workspaceId)).toHaveLength(6);
    expect(await rowsOf(other.workspaceId)).toHaveLength(4);
    expect(await outboxOf(other.workspaceId)).toHaveLength(4);
  });

  it('a runner whose scan went stale while it waited for the rep (another runner took a row) sends only what is left', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await s.customer(`客户${i}`, zhang, { next: '2026-11-25T09:00:00+08:00' }));
    // Another runner holds the rep, and while it does it reminds 客户1.
    const conn = await mysql.createConnection({ uri: testDb.url, timezone: 'Z' });
    await conn.query('start transaction');
    await conn.query('select id from users where id = ? for update', [zhang.id]);
    const running = job().run(new Date(NOW), RUN_BY_HAND);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const at = '2026-11-25 02:00:00.000';
    await conn.query(
      `insert into reminders (workspace_id, customer_id, user_id, kind, due_date, due_at, subject_at, status, in_summary, sent_at, created_at, updated_at)
       values (?, ?, ?, 'due', '2026-11-25', ?, ?, 'sent', 0, ?, ?, ?)`,
      [s.workspaceId, ids[1], zhang.id, at, at, at, at, at],
    );
    await conn.query('commit');
    await conn.end();
    await running;
    const rows = await rowsOf(s.workspaceId);
    expect(rows.map((r) => r.customerId).sort()).toEqual([...ids].sort());
    expect((await outboxOf(s.workspaceId)).map((o) => cardOf(o).title)).toEqual(['客户0', '客户2']);
  });

  it('one recipient failing is logged by id and counted; the others get theirs, and a re-run sends only what is missing', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const li = await s.rep('李四');
    await s.customer('张三的客户', zhang, { next: '2026-11-25T09:00:00+08:00' });
    await s.customer('李四的客户', li, { next: '2026-11-25T09:00:00+08:00' });
    // The run stops at 李四 (a card that cannot be drawn), as a run killed between reps would.
    const failing: ReminderOutbound = (to, message, now) => {
      if (to.userId === li.id) throw new TypeError('cannot draw');
      return reminderOutbound(to, message, now);
    };
    const report = await t.genjin.services.reminders.run(new Date(NOW), RUN_BY_HAND, failing);
    expect(report.failed).toBe(1);
    expect((await rowsOf(s.workspaceId)).map((r) => r.userId)).toEqual([zhang.id]);
    const line = t.logs.lines().find((l) => l.msg === 'reminders for one recipient failed; the run goes on');
    expect(line).toMatchObject({ workspaceId: s.workspaceId, userId: li.id, code: 'TypeError' });
    expect(JSON.stringify(line)).not.toContain('李四的客户');
    await t.genjin.services.reminders.run(new Date(NOW), RUN_BY_HAND, reminderOutbound);
    expect((await rowsOf(s.workspaceId)).map((r) => r.userId)).toEqual([zhang.id, li.id]);
    expect((await outboxOf(s.workspaceId)).map((o) => cardOf(o).title)).toEqual(['张三的客户', '李四的客户']);
  });

  it('a scheduled run spreads reps over spreadMinutes, each rep’s messages together; by hand they go at once', async () => {
    const { s } = await eightDue();
    const li = await s.rep('李四');
    await s.customer('李四的客户', li, { next: '2026-11-25T09:00:00+08:00' });
    await job().run(new Date(NOW), SCHEDULED_RUN);
    const sent = await outboxOf(s.workspaceId);
    const byTarget = new Map<string, Set<number>>();
    for (const o of sent) byTarget.set(o.target, (byTarget.get(o.target) ?? new Set()).add(o.nextAttemptAt.getTime()));
    for (const times of byTarget.values()) expect(times.size).toBe(1);
    for (const o of sent) {
      const delay = o.nextAttemptAt.getTime() - Date.parse(NOW);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(t.config.reminders.spreadMinutes * 60_000);
    }
    const by = await seedReminderWorkspace(testDb.handle, 'feishu');
    await by.customer('手动', await by.rep('王五'), { next: '2026-11-25T09:00:00+08:00' });
    await job().run(new Date(NOW), RUN_BY_HAND);
    expect((await outboxOf(by.workspaceId)).map((o) => o.nextAttemptAt.toISOString())).toEqual([new Date(NOW).toISOString()]);
  });

  it('a dry run emits one JSON-able line per message and changes nothing', async () => {
    const { s, zhang } = await eightDue();
    const lines: Record<string, unknown>[] = [];
    await job().run(new Date(NOW), { dryRun: true, spread: false, emit: (l) => lines.push(l) });
    const mine = lines.filter((l) => l.recipient === `feishu:${zhang.platformUserId}`);
    expect(mine.map((l) => [l.kind, l.customer ?? l.count])).toEqual([
      ['due', '客户8'],
      ['due', '客户7'],
      ['due', '客户6'],
      ['due', '客户5'],
      ['due', '客户4'],
      ['summary', 3],
    ]);
    expect(await rowsOf(s.workspaceId)).toHaveLength(0);
    expect(await outboxOf(s.workspaceId)).toHaveLength(0);
  });

  it('genjin jobs run reminders --dry-run --now prints the lines and changes nothing; without --dry-run it sends', async () => {
    const { s, zhang } = await eightDue();
    const env = { DATABASE_URL: testDb.url, GENJIN_CONFIG: '' };
    const dry = await runCliCapturing(['jobs', 'run', 'reminders', '--dry-run', '--now', '2026-11-25T10:00:00+08:00'], env);
    expect(dry.code).toBe(0);
    const lines = dry.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.recipient === `feishu:${zhang.platformUserId}`);
    expect(lines.map((l) => l.kind)).toEqual(['due', 'due', 'due', 'due', 'due', 'summary']);
    expect(await rowsOf(s.workspaceId)).toHaveLength(0);
    const real = await runCliCapturing(['jobs', 'run', 'reminders', '--now', '2026-11-25T10:00:00+08:00'], env);
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/^reminders: \{"workspaces":\d+/);
    expect(await rowsOf(s.workspaceId)).toHaveLength(8);
    expect(await outboxOf(s.workspaceId)).toHaveLength(6);
  });
});
