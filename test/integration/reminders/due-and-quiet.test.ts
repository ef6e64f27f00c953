import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox, reminders } from '../../../src/db/schema/index.js';
import { parseNote } from '../../../src/domain/notes/index.js';
import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { buildFeishuTestApp } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedReminderWorkspace } from './seed.js';

type Card = { title: string; tone: string; fields?: { label: string; value: string }[]; buttons?: { label: string }[] };

/**
 * Which customers are due or quiet, through the composed `reminders` job on the real database:
 * due at a stated time and at the default hour, handled ones left alone, quiet by tier (untiered
 * as C), won and lost never quiet, one quiet reminder per episode, one due reminder per working
 * day while still due, nothing on a rest day and the backlog on the next working day.
 */
describe('reminders: due and quiet', () => {
  const testDb = useTestDatabase();
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  const run = async (at: string) => {
    t.clock.set(at);
    const job = t.genjin.jobs.find((j) => j.name === 'reminders');
    if (!job) throw new Error('no reminders job');
    return job.run(new Date(at), RUN_BY_HAND);
  };
  const rowsOf = (workspaceId: number) => testDb.db.select().from(reminders).where(eq(reminders.workspaceId, workspaceId));
  const cardsOf = async (workspaceId: number) =>
    (await testDb.db.select().from(outbox).where(eq(outbox.workspaceId, workspaceId))).map((r) => {
      const p = r.payload as unknown as { message: { card: Card } };
      return p.message.card;
    });

  beforeAll(async () => {
    t = await buildFeishuTestApp(testDb.handle);
  });

  it('a follow-up with a time is due at that time, not before', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const id = await s.customer('云帆科技', zhang, { next: '2026-11-25T15:00:00+08:00', last: '2026-11-20T10:00:00+08:00' });
    await run('2026-11-25T14:59:00+08:00');
    expect(await rowsOf(s.workspaceId)).toHaveLength(0);
    await run('2026-11-25T15:00:00+08:00');
    const rows = await rowsOf(s.workspaceId);
    expect(rows).toMatchObject([
      { customerId: id, userId: zhang.id, kind: 'due', dueDate: '2026-11-25', status: 'sent', inSummary: false },
    ]);
    expect(rows[0]?.subjectAt?.toISOString()).toBe('2026-11-25T07:00:00.000Z');
    const [card] = await cardsOf(s.workspaceId);
    expect(card?.title).toBe('云帆科技');
    expect(card?.tone).toBe('orange');
    expect(card?.fields).toContainEqual({ label: '状态', value: '今天 15:00 到期' });
  });

  it('a date without a time is due at the default hour (the parser stores it there)', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const li = await s.rep('李四');
    const parsed = parseNote('给星河贸易打了电话，下周一再跟进', {
      now: new Date('2026-11-25T10:00:00+08:00'),
      timeZone: 'Asia/Shanghai',
      defaultHour: t.config.reminders.defaultHour,
    });
    expect(parsed.nextFollowUpAt).toBe('2026-11-30T09:00:00+08:00');
    await s.customer('星河贸易', li, { next: parsed.nextFollowUpAt, last: '2026-11-25T10:00:00+08:00' });
    await run('2026-11-30T08:59:00+08:00');
    expect(await rowsOf(s.workspaceId)).toHaveLength(0);
    await run('2026-11-30T09:00:00+08:00');
    expect(await rowsOf(s.workspaceId)).toMatchObject([{ kind: 'due', dueDate: '2026-11-30' }]);
  });

  it('once per working day while still due, saying how late; a handled or unowned customer gets none', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const late = await s.customer('晨光文具', zhang, { next: '2026-11-23T09:00:00+08:00', last: '2026-11-10T09:00:00+08:00' });
    await s.customer('已跟进公司', zhang, { next: '2026-11-23T09:00:00+08:00', last: '2026-11-23T11:00:00+08:00' });
    await s.customer('公海客户', null, { next: '2026-11-23T09:00:00+08:00' });
    const gone = await s.rep('钱七', { active: false });
    await s.customer('离职客户', gone, { next: '2026-11-23T09:00:00+08:00' });
    await run('2026-11-25T10:00:00+08:00');
    await run('2026-11-25T10:15:00+08:00');
    expect((await rowsOf(s.workspaceId)).map((r) => [r.customerId, r.dueDate])).toEqual([[late, '2026-11-25']]);
    expect((await cardsOf(s.workspaceId))[0]?.fields).toContainEqual({ label: '状态', value: '已逾期 2 天' });
    await run('2026-11-26T10:00:00+08:00');
    expect((await rowsOf(s.workspaceId)).map((r) => r.dueDate)).toEqual(['2026-11-25', '2026-11-26']);
    // Overdue more than a few days turns the card red.
    await run('2026-11-27T10:00:00+08:00');
    expect((await cardsOf(s.workspaceId)).map((c) => c.tone)).toEqual(['orange', 'orange', 'red']);
  });

  it('quiet by tier: A after 7 days, B after 14, untiered after 30 (C); never won, lost or planned ahead; once per episode', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    const now = '2026-11-25T10:00:00+08:00';
    const daysAgo = (d: number) => new Date(new Date(now).getTime() - d * 86_400_000).toISOString();
    const a7 = await s.customer('A七天', zhang, { tier: 'A', last: daysAgo(7) });
    const a6 = await s.customer('A六天', zhang, { tier: 'A', last: daysAgo(6) });
    const b14 = await s.customer('B十四天', zhang, { tier: 'B', last: daysAgo(14) });
    const b13 = await s.customer('B十三天', zhang, { tier: 'B', last: daysAgo(13) });
    const none30 = await s.customer('无级三十天', zhang, { tier: null, last: daysAgo(30) });
    const none29 = await s.customer('无级二十九天', zhang, { tier: null, last: daysAgo(29) });
    const never = await s.customer('从未跟进', zhang, { tier: 'C', created: daysAgo(31) });
    await s.customer('已成交', zhang, { tier: 'A', stage: 'won', last: daysAgo(40) });
    await s.customer('已丢单', zhang, { tier: 'A', stage: 'lost', last: daysAgo(40) });
    await s.customer('计划中', zhang, { tier: 'A', last: daysAgo(40), next: '2026-12-01T09:00:00+08:00' });
    await run(now);
    const rows = await rowsOf(s.workspaceId);
    expect(rows.every((r) => r.kind === 'quiet')).toBe(true);
    expect(rows.map((r) => r.customerId).sort()).toEqual([a7, b14, none30, never].sort());
    expect(rows.find((r) => r.customerId === never)?.subjectAt?.toISOString()).toBe(daysAgo(31).replace('Z', '').slice(0, 19) + '.000Z');
    // A day later the three a day short are quiet too; the first four are not reminded again.
    await run('2026-11-26T10:00:00+08:00');
    const later = await rowsOf(s.workspaceId);
    expect(
      later
        .filter((r) => r.dueDate === '2026-11-26')
        .map((r) => r.customerId)
        .sort(),
    ).toEqual([a6, b13, none29].sort());
    await run('2026-11-27T10:00:00+08:00');
    expect(await rowsOf(s.workspaceId)).toHaveLength(7);
    const cards = await cardsOf(s.workspaceId);
    expect(cards.find((c) => c.title === 'B十四天')?.fields).toContainEqual({ label: '状态', value: '14 天未跟进' });
  });

  it('sends nothing on a rest day; what fell on it goes out on the next working day', async () => {
    const s = await seedReminderWorkspace(testDb.handle, 'feishu');
    const zhang = await s.rep('张三');
    await s.customer('周六到期', zhang, { next: '2026-11-28T09:00:00+08:00', last: '2026-11-20T09:00:00+08:00' });
    const saturday = await run('2026-11-28T10:00:00+08:00');
    expect(saturday.restDay).toBeGreaterThanOrEqual(1);
    await run('2026-11-29T10:00:00+08:00');
    expect(await rowsOf(s.workspaceId)).toHaveLength(0);
    await run('2026-11-30T09:00:00+08:00');
    const cards = await cardsOf(s.workspaceId);
    expect((await rowsOf(s.workspaceId)).map((r) => r.dueDate)).toEqual(['2026-11-30']);
    expect(cards[0]?.fields).toContainEqual({ label: '状态', value: '已逾期 2 天' });
  });

  it('every workspace is scanned, each in its own language', async () => {
    const zh = await seedReminderWorkspace(testDb.handle, 'feishu');
    const en = await seedReminderWorkspace(testDb.handle, 'console', { locale: 'en' });
    await zh.customer('中文客户', await zh.rep('张三'), { next: '2026-11-25T09:00:00+08:00' });
    await en.customer('Acme', await en.rep('Ann'), { next: '2026-11-25T09:00:00+08:00' });
    await run('2026-11-25T10:00:00+08:00');
    expect((await cardsOf(zh.workspaceId))[0]?.fields).toContainEqual({ label: '状态', value: '今天 09:00 到期' });
    expect((await cardsOf(en.workspaceId))[0]?.fields).toContainEqual({ label: 'Status', value: 'Due today at 09:00' });
    const [row] = await testDb.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.workspaceId, en.workspaceId)));
    expect(row?.target.startsWith('console:user:')).toBe(true);
  });
});
