import { and, asc, desc, eq, gt, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { DbOrTx } from '../../db/client.js';
import { assignments, customers, followUps, STAGES, TIERS, teams, users } from '../../db/schema/index.js';

/** The stage and tier codes, for the API's validation. */
export { STAGES, TIERS };

/** The admin API's view of a workspace; `platform` writes user refs as `<platform>:<id>`. */
export type ApiScope = { workspaceId: number; platform: string };
export type CustomerFilter = {
  /** `<platform>:<id>` or `pool`. */
  owner?: string;
  /** A team's key (its `id` in the settings file). */
  team?: string;
  stage?: (typeof STAGES)[number];
  tier?: (typeof TIERS)[number];
  tag?: string;
  /** No follow-up (or, never followed up, no creation) for at least this many days. */
  quietDays?: number;
  updatedSince?: Date;
};

const DAY_MS = 86_400_000;
const owner = alias(users, 'owner');

const customerColumns = {
  customer: customers,
  ownerPlatformUserId: owner.platformUserId,
  ownerName: owner.name,
  teamKey: teams.key,
  teamName: teams.name,
};

type CustomerRow = {
  customer: typeof customers.$inferSelect;
  ownerPlatformUserId: string | null;
  ownerName: string | null;
  teamKey: string | null;
  teamName: string | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toApiCustomer(scope: ApiScope, r: CustomerRow) {
  const c = r.customer;
  return {
    id: c.id,
    name: c.name,
    owner: r.ownerPlatformUserId === null ? null : { ref: `${scope.platform}:${r.ownerPlatformUserId}`, name: r.ownerName },
    team: r.teamKey === null ? null : { key: r.teamKey, name: r.teamName ?? r.teamKey },
    stage: c.stage,
    tier: c.tier,
    tags: c.tags,
    amount: c.amount,
    currency: c.currency,
    phone: c.phone,
    lastFollowUpAt: iso(c.lastFollowUpAt),
    nextFollowUpAt: iso(c.nextFollowUpAt),
    pooledAt: iso(c.pooledAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export type ApiCustomer = ReturnType<typeof toApiCustomer>;

/** The filter as SQL; null when it names an owner or team the workspace does not have (nothing matches). */
async function filterSql(db: DbOrTx, scope: ApiScope, f: CustomerFilter, now: Date): Promise<SQL[] | null> {
  const where: SQL[] = [eq(customers.workspaceId, scope.workspaceId)];
  if (f.owner === 'pool') where.push(isNull(customers.ownerUserId));
  else if (f.owner) {
    const id = f.owner.startsWith(`${scope.platform}:`) ? f.owner.slice(scope.platform.length + 1) : null;
    const [u] = id
      ? await db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.workspaceId, scope.workspaceId), eq(users.platformUserId, id)))
          .limit(1)
      : [];
    if (!u) return null;
    where.push(eq(customers.ownerUserId, u.id));
  }
  if (f.team) {
    const [t] = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, scope.workspaceId), eq(teams.key, f.team)))
      .limit(1);
    if (!t) return null;
    where.push(eq(customers.teamId, t.id));
  }
  if (f.stage) where.push(eq(customers.stage, f.stage));
  if (f.tier) where.push(eq(customers.tier, f.tier));
  if (f.tag) where.push(sql`JSON_CONTAINS(${customers.tags}, JSON_QUOTE(${f.tag}))`);
  if (f.quietDays !== undefined) {
    where.push(lte(sql`COALESCE(${customers.lastFollowUpAt}, ${customers.createdAt})`, new Date(now.getTime() - f.quietDays * DAY_MS)));
  }
  if (f.updatedSince) where.push(gte(customers.updatedAt, f.updatedSince));
  return where;
}

/** One page of customers by id; `after` is the last id of the previous page. */
export async function listCustomers(
  db: DbOrTx,
  scope: ApiScope,
  input: { filter: CustomerFilter; limit: number; after: number; now: Date },
): Promise<{ customers: ApiCustomer[]; last: number | null }> {
  const where = await filterSql(db, scope, input.filter, input.now);
  if (!where) return { customers: [], last: null };
  const rows = await db
    .select(customerColumns)
    .from(customers)
    .leftJoin(owner, eq(owner.id, customers.ownerUserId))
    .leftJoin(teams, eq(teams.id, customers.teamId))
    .where(and(...where, gt(customers.id, input.after)))
    .orderBy(asc(customers.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return { customers: page.map((r) => toApiCustomer(scope, r)), last: rows.length > input.limit ? page.at(-1)!.customer.id : null };
}

type FollowUpRow = { followUp: typeof followUps.$inferSelect; authorPlatformUserId: string | null; authorName: string | null };
const author = alias(users, 'author');

function toApiFollowUp(scope: ApiScope, r: FollowUpRow) {
  const f = r.followUp;
  return {
    id: f.id,
    customerId: f.customerId,
    author: r.authorPlatformUserId === null ? null : { ref: `${scope.platform}:${r.authorPlatformUserId}`, name: r.authorName },
    status: f.status as 'confirmed' | 'undone',
    text: f.rawText,
    summary: f.summary,
    channel: f.channel,
    stage: f.stage,
    amount: f.amount,
    currency: f.currency,
    nextFollowUpAt: iso(f.nextFollowUpAt),
    collaboration: f.collaboration,
    occurredAt: f.occurredAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

export type ApiFollowUp = ReturnType<typeof toApiFollowUp>;
const followUpColumns = { followUp: followUps, authorPlatformUserId: author.platformUserId, authorName: author.name };
// Drafts are a rep's unfinished notes: not follow-ups yet.
const notDraft = ne(followUps.status, 'draft');

/** One customer with its latest follow-ups and its owner history (newest first); null when not in the workspace. */
export async function customerDetail(db: DbOrTx, scope: ApiScope, id: number, opts: { followUps: number }) {
  const [row] = await db
    .select(customerColumns)
    .from(customers)
    .leftJoin(owner, eq(owner.id, customers.ownerUserId))
    .leftJoin(teams, eq(teams.id, customers.teamId))
    .where(and(eq(customers.workspaceId, scope.workspaceId), eq(customers.id, id)))
    .limit(1);
  if (!row) return null;
  const recent = await db
    .select(followUpColumns)
    .from(followUps)
    .leftJoin(author, eq(author.id, followUps.authorUserId))
    .where(and(eq(followUps.workspaceId, scope.workspaceId), eq(followUps.customerId, id), notDraft))
    .orderBy(desc(followUps.occurredAt), desc(followUps.id))
    .limit(opts.followUps);
  const moves = await db
    .select()
    .from(assignments)
    .where(and(eq(assignments.workspaceId, scope.workspaceId), eq(assignments.customerId, id)))
    .orderBy(desc(assignments.createdAt), desc(assignments.id));
  const ids = [...new Set(moves.flatMap((m) => [m.fromUserId, m.toUserId, m.actorUserId]).filter((x): x is number => x !== null))];
  const people = new Map(
    (ids.length
      ? await db
          .select()
          .from(users)
          .where(and(eq(users.workspaceId, scope.workspaceId), inArray(users.id, ids)))
      : []
    ).map((u) => [u.id, { ref: `${scope.platform}:${u.platformUserId}`, name: u.name }]),
  );
  const person = (id: number | null) => (id === null ? null : (people.get(id) ?? null));
  return {
    ...toApiCustomer(scope, row),
    followUps: recent.map((r) => toApiFollowUp(scope, r)),
    ownerHistory: moves.map((m) => ({
      at: m.createdAt.toISOString(),
      reason: m.reason,
      from: person(m.fromUserId),
      to: person(m.toUserId),
      actor: person(m.actorUserId),
    })),
  };
}

export type ApiCustomerDetail = NonNullable<Awaited<ReturnType<typeof customerDetail>>>;
export type FollowUpCursor = { updatedAt: Date; id: number };

/** Follow-ups changed at or after `since` (confirmed, undone), by (updated_at, id), after the cursor. */
export async function listFollowUpsSince(
  db: DbOrTx,
  scope: ApiScope,
  input: { since: Date; after: FollowUpCursor | null; limit: number },
): Promise<{ followUps: ApiFollowUp[]; last: FollowUpCursor | null }> {
  const after = input.after;
  const rows = await db
    .select(followUpColumns)
    .from(followUps)
    .leftJoin(author, eq(author.id, followUps.authorUserId))
    .where(
      and(
        eq(followUps.workspaceId, scope.workspaceId),
        notDraft,
        gte(followUps.updatedAt, input.since),
        after
          ? or(gt(followUps.updatedAt, after.updatedAt), and(eq(followUps.updatedAt, after.updatedAt), gt(followUps.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(followUps.updatedAt), asc(followUps.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const lastRow = rows.length > input.limit ? page.at(-1)!.followUp : null;
  return {
    followUps: page.map((r) => toApiFollowUp(scope, r)),
    last: lastRow ? { updatedAt: lastRow.updatedAt, id: lastRow.id } : null,
  };
}
