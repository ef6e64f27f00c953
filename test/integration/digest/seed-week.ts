import { eq } from 'drizzle-orm';
import type { DbHandle } from '../../../src/db/client.js';
import type { customers } from '../../../src/db/schema/index.js';
import { followUps, teams, users, type CustomerSnapshot } from '../../../src/db/schema/index.js';
import { uniqueId } from '../../helpers/db.js';
import { seedOwnershipWorkspace, type SeededPerson } from '../../helpers/ownership-seed.js';

/** Shanghai wall-clock time → instant. */
export const sh = (local: string) => new Date(`${local}+08:00`);
/** The Monday digest run: it reports 2026-11-16 (Mon) 00:00 to 2026-11-23 (Mon) 00:00, Shanghai. */
export const RUN_AT = sh('2026-11-23T09:00:00');
export const WEEK_START = '2026-11-16';

type Stage = CustomerSnapshot['stage'];

/**
 * A known week for team east (seedOwnershipWorkspace: reps 张三, 李四, manager 王经理, 钱七 gone)
 * plus 周八, a rep idle this week. Every figure the digest shows is written down in the test
 * that reads it; see the comments on each row for why it counts.
 */
export async function seedKnownWeek(handle: DbHandle, platform: 'feishu' | 'wecom', tenant: string, opts: { digestChat?: string } = {}) {
  const w = await seedOwnershipWorkspace(handle, platform, tenant);
  const db = handle.db;
  const at = sh('2026-10-01T10:00:00');
  const [idle] = await db.insert(users).values({
    workspaceId: w.workspaceId,
    platformUserId: `${platform === 'feishu' ? 'ou_' : ''}idle_${uniqueId('u')
      .replace(/[^0-9a-z]/gi, '')
      .slice(-10)}`,
    name: '周八',
    role: 'rep',
    teamId: w.east,
    createdAt: at,
    updatedAt: at,
  });
  const zhou: SeededPerson = {
    id: idle.insertId,
    platformUserId: (await db.select().from(users).where(eq(users.id, idle.insertId)))[0]!.platformUserId,
    name: '周八',
  };
  if (opts.digestChat !== undefined) await db.update(teams).set({ digestChatId: opts.digestChat }).where(eq(teams.id, w.east));
  const [eastTeam] = await db.select().from(teams).where(eq(teams.id, w.east));
  const { rep: zhang, rep2: li } = w.people;

  const customer = (name: string, owner: SeededPerson | null, v: Partial<typeof customers.$inferInsert>) =>
    w.customer(name, owner, { createdAt: at, tier: null, amount: null, lastFollowUpAt: null, nextFollowUpAt: null, ...v });
  const c = {
    // 张三: moved 报价→谈判 on Wed; next step Wed 11-25 (not overdue); 5 days silent (A: 7) → not quiet.
    yunfan: await customer('云帆科技', zhang, {
      tier: 'A',
      stage: 'negotiation',
      amount: 380000,
      lastFollowUpAt: sh('2026-11-20T15:00:00'),
      nextFollowUpAt: sh('2026-11-25T09:00:00'),
    }),
    // 张三: won on Thu, for ¥520,000 (the follow-up's amount).
    beichen: await customer('北辰物流', zhang, { tier: 'B', stage: 'won', amount: 520000, lastFollowUpAt: sh('2026-11-19T11:00:00') }),
    // 张三: 21 days silent, untiered (C: 30 quiet days, at-risk at 21) → at risk, 0 days late.
    qiming: await customer('启明教育', zhang, { stage: 'qualified', amount: 50000, lastFollowUpAt: sh('2026-11-02T00:00:00') }),
    // 李四: next step 11-14 → 9 days overdue at the week’s end; 12 days silent (B: 14) → not quiet.
    huaxin: await customer('华信银行', li, {
      tier: 'B',
      stage: 'quote',
      amount: 200000,
      lastFollowUpAt: sh('2026-11-10T10:00:00'),
      nextFollowUpAt: sh('2026-11-14T00:00:00'),
    }),
    // 李四: 34 days silent, C → quiet (30) and at risk (21): 13 days late.
    baoli: await customer('保利地产', li, { tier: 'C', stage: 'lead', lastFollowUpAt: sh('2026-10-20T00:00:00') }),
    // 李四: new this week (Tue), its first note the same day.
    xinke: await customer('新科电子', li, {
      stage: 'lead',
      createdAt: sh('2026-11-17T10:00:00'),
      lastFollowUpAt: sh('2026-11-17T10:30:00'),
    }),
    // 李四: tier A, 9 and 8 days silent → quiet, 2 and 1 days late.
    anda: await customer('安达商贸', li, { tier: 'A', stage: 'lead', lastFollowUpAt: sh('2026-11-14T00:00:00') }),
    boya: await customer('博雅文化', li, { tier: 'A', stage: 'lead', lastFollowUpAt: sh('2026-11-15T00:00:00') }),
    // 周八 (idle): ¥1,000,000, 22 days silent (A: 7 → 15 late), next step 3 days overdue.
    jinding: await customer('金鼎集团', zhou, {
      tier: 'A',
      stage: 'proposal',
      amount: 1000000,
      lastFollowUpAt: sh('2026-11-01T00:00:00'),
      nextFollowUpAt: sh('2026-11-20T00:00:00'),
    }),
    // Not the team's: a west customer, a pool customer of east, a lost one.
    west: await customer('西部客户', w.people.otherManager, { teamId: w.west, stage: 'quote', nextFollowUpAt: sh('2026-11-01T00:00:00') }),
    pooled: await customer('公海客户', null, { stage: 'quote', nextFollowUpAt: sh('2026-11-01T00:00:00') }),
    lost: await customer('丢单客户', zhang, { stage: 'lost', nextFollowUpAt: sh('2026-11-01T00:00:00') }),
  };

  const snapshot = (stage: Stage): CustomerSnapshot => ({
    stage,
    amount: null,
    currency: 'CNY',
    lastFollowUpAt: null,
    nextFollowUpAt: null,
    tier: null,
    tags: [],
  });
  const note = (
    author: SeededPerson,
    customerId: number,
    occurredAt: Date,
    v: { stage?: Stage; before?: Stage; amount?: number; status?: 'confirmed' | 'undone' | 'draft'; collaboration?: boolean } = {},
  ) =>
    db.insert(followUps).values({
      workspaceId: w.workspaceId,
      customerId,
      authorUserId: author.id,
      rawText: 'note',
      parsed: {},
      summary: 'note',
      stage: v.stage ?? null,
      amount: v.amount ?? null,
      status: v.status ?? 'confirmed',
      collaboration: v.collaboration ?? false,
      customerBefore: snapshot(v.before ?? v.stage ?? 'lead'),
      occurredAt,
      createdAt: occurredAt,
      updatedAt: occurredAt,
    });
  // This week: 张三 3 (two customers, two stage moves), 李四 2 (a collaboration note that moves nothing).
  await note(zhang, c.yunfan, sh('2026-11-18T10:00:00'), { stage: 'negotiation', before: 'quote' });
  await note(zhang, c.beichen, sh('2026-11-19T11:00:00'), { stage: 'won', before: 'negotiation', amount: 520000 });
  await note(zhang, c.yunfan, sh('2026-11-20T15:00:00'));
  await note(li, c.xinke, sh('2026-11-17T10:30:00'), { stage: 'lead', before: 'lead' });
  await note(li, c.yunfan, sh('2026-11-21T16:00:00'), { stage: 'won', before: 'negotiation', collaboration: true });
  // Not counted: undone, still a draft, and the next week's first minutes.
  await note(li, c.huaxin, sh('2026-11-18T09:00:00'), { status: 'undone' });
  await note(li, c.huaxin, sh('2026-11-18T09:05:00'), { status: 'draft' });
  await note(zhang, c.yunfan, sh('2026-11-23T00:30:00'));
  // Last week: 张三 2, 李四 2 (one at 23:30 on Sunday), 周八 1.
  await note(zhang, c.yunfan, sh('2026-11-10T10:00:00'));
  await note(zhang, c.qiming, sh('2026-11-11T10:00:00'));
  await note(li, c.huaxin, sh('2026-11-10T10:00:00'));
  await note(li, c.baoli, sh('2026-11-15T23:30:00'));
  await note(zhou, c.jinding, sh('2026-11-12T10:00:00'));
  // Two weeks ago: counted nowhere.
  await note(zhou, c.jinding, sh('2026-11-08T10:00:00'));
  return { ...w, zhou, c, teamKey: eastTeam!.key };
}
