import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts, customers, followUps, workspaces, type STAGES } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { normalizeCustomerName } from '../customers/normalize-name.js';
import { addDays, toZonedIso, wallClock } from '../notes/civil-time.js';
import type { UserRecord, UsersService } from '../users/users-service.js';

type Stage = (typeof STAGES)[number];
type Channel = 'call' | 'wechat' | 'visit' | 'email' | 'meeting';

export type DemoPerson = { id: string; name: string };
export type SeedReport = { users: number; customers: number; followUps: number };

const PREFIXES = ['云帆', '华信', '中科', '天启', '星河', '瑞丰', '博远', '恒通', '金桥', '远景', '蓝海', '鼎盛'];
const INDUSTRIES = ['科技', '物流', '医疗', '制造', '教育'];
const CONTACTS = ['王总', '李总', '张经理', '赵主任', '陈总监', '刘总', '周经理', '吴总'];
const STAGE_CYCLE: Stage[] = ['lead', 'qualified', 'proposal', 'quote', 'negotiation', 'won', 'qualified', 'proposal', 'lost', 'quote'];
const CHANNELS: Channel[] = ['call', 'wechat', 'visit', 'email', 'meeting'];
const CHANNEL_WORDS: Record<Channel, string> = { call: '电话', wechat: '微信', visit: '上门拜访', email: '邮件', meeting: '会议' };
const STEPS = ['发报价单', '上门演示', '约技术交流', '确认预算', '发合同初稿', '安排试用'];
/** Six weeks of history: the oldest follow-up is this many days ago. */
const HISTORY_DAYS = 42;

/**
 * Fills the console workspace with a demo team's book: 60 customers across tiers and stages with
 * six weeks of follow-ups, some due today, some overdue, some quiet. Deterministic, and keyed by
 * the unique customer name and follow-up source ids, so running it again adds nothing.
 * `users` must place `people` (the demo team among its teams); times are relative to the clock.
 */
export async function seedDemo(
  deps: { db: Db; clock: Clock; users: UsersService; timeZone: string },
  input: { platform: string; tenant: string; manager: DemoPerson; reps: DemoPerson[] },
): Promise<SeedReport> {
  const { db, clock, users, timeZone } = deps;
  const workspace = await users.ensureWorkspace(input.platform, input.tenant);
  const ensure = (p: DemoPerson) => users.ensureUser(workspace.id, input.platform, p.id, async () => ({ name: p.name }));
  const manager = await ensure(input.manager);
  const reps: UserRecord[] = [];
  for (const rep of input.reps) reps.push(await ensure(rep));
  const teamId = manager.teamId;
  const now = clock.now();
  const today = wallClock(now, timeZone);
  const at = (days: number, hour: number) => new Date(toZonedIso(addDays(today, days), hour, 0, timeZone));
  const report: SeedReport = { users: reps.length + 1, customers: 0, followUps: 0 };

  for (let i = 0; i < PREFIXES.length * INDUSTRIES.length; i++) {
    const name = `${PREFIXES[i % PREFIXES.length]}${INDUSTRIES[Math.floor(i / PREFIXES.length)]}`;
    // Every 15th customer sits in the pool; the rest go round the reps.
    const owner = i % 15 === 14 ? null : (reps[i % reps.length] ?? null);
    const plan = planCustomer(i);
    const stage = STAGE_CYCLE[i % STAGE_CYCLE.length] ?? 'lead';
    // Tiers spread across stages: 20% A, 40% B, 40% C.
    const tierSlot = (i + Math.floor(i / 10)) % 5;
    const tier = tierSlot === 0 ? 'A' : tierSlot < 3 ? 'B' : 'C';
    const amount = stage === 'lead' ? null : (tier === 'A' ? 800_000 : tier === 'B' ? 300_000 : 80_000) + (i % 7) * 10_000;
    const lastAt = at(-plan.lastDaysAgo, 10 + (i % 6));
    const nextAt = plan.nextInDays === null ? null : at(plan.nextInDays, 9 + (i % 8));
    const [inserted] = await db
      .insert(customers)
      .ignore()
      .values({
        workspaceId: workspace.id,
        name,
        normalizedName: normalizeCustomerName(name),
        tier,
        stage,
        amount,
        ownerUserId: owner?.id ?? null,
        teamId: owner ? teamId : null,
        lastFollowUpAt: lastAt,
        nextFollowUpAt: nextAt,
        pooledAt: owner ? null : at(-plan.lastDaysAgo, 8),
        createdAt: at(-HISTORY_DAYS - 3, 9),
        updatedAt: now,
      });
    report.customers += inserted.affectedRows;
    const [row] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.workspaceId, workspace.id), eq(customers.normalizedName, normalizeCustomerName(name))))
      .limit(1);
    if (!row) continue;
    const contact = CONTACTS[i % CONTACTS.length] ?? '王总';
    await db
      .insert(contacts)
      .ignore()
      .values({ workspaceId: workspace.id, customerId: row.id, name: contact, createdAt: now, updatedAt: now });
    const author = owner ?? reps[0] ?? manager;
    for (const [n, daysAgo] of plan.history.entries()) {
      const channel = CHANNELS[(i + n) % CHANNELS.length] ?? 'call';
      const step = STEPS[(i + n) % STEPS.length] ?? '再联系';
      const occurredAt = at(-daysAgo, 10 + ((i + n) % 7));
      const summary = `${CHANNEL_WORDS[channel]}跟进${name}${contact}，下一步${step}`;
      const [fu] = await db
        .insert(followUps)
        .ignore()
        .values({
          workspaceId: workspace.id,
          customerId: row.id,
          authorUserId: author.id,
          rawText: summary,
          parsed: { seed: true },
          channel,
          stage,
          amount,
          nextStep: step,
          summary,
          sourceMessageId: `seed-demo-${i}-${n}`,
          status: 'confirmed',
          occurredAt,
          createdAt: occurredAt,
          updatedAt: occurredAt,
        });
      report.followUps += fu.affectedRows;
    }
  }
  return report;
}

/**
 * When customer `i` was last and will next be followed up: a sixth due today, a sixth overdue
 * (1-5 days), a sixth quiet (no contact for 25-40 days, nothing planned), the rest due within ten days.
 */
function planCustomer(i: number): { lastDaysAgo: number; nextInDays: number | null; history: number[] } {
  const kind = i % 6;
  const lastDaysAgo = kind === 2 ? 25 + (i % 16) : 1 + (i % 9);
  const nextInDays = kind === 0 ? 0 : kind === 1 ? -(1 + (i % 5)) : kind === 2 ? null : 1 + (i % 10);
  // One to four earlier follow-ups, the last on lastDaysAgo, none older than six weeks.
  const earlier = i % 4;
  const history = [lastDaysAgo];
  for (let k = 1; k <= earlier; k++) history.push(Math.min(HISTORY_DAYS, lastDaysAgo + k * 9 + (i % 5)));
  return { lastDaysAgo, nextInDays, history };
}

/** Whether a platform tenant's workspace holds no customers yet (the console then offers the demo). */
export async function workspaceIsEmpty(db: Db, platform: string, tenant: string): Promise<boolean> {
  const [ws] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, tenant)))
    .limit(1);
  if (!ws) return true;
  const [row] = await db.select({ n: count() }).from(customers).where(eq(customers.workspaceId, ws.id));
  return (row?.n ?? 0) === 0;
}
