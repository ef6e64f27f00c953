import { and, asc, eq, gt, inArray, isNull, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { contacts, customers, teams, users, workspaces } from '../../db/schema/index.js';
import { wallClock } from '../notes/civil-time.js';
import { COLUMNS, type ColumnKey, type HeaderLanguage } from './columns.js';
import { readOwner } from './read-values.js';
import { loadOwnerDirectory } from './resolve-owners.js';
import { stageName } from '../customers/stage-names.js';

const PAGE = 1000;

/** A cell of an exported row: text, or a wall-clock time in the workspace zone (see `toWallDate`). */
export type ExportCell = string | { wall: Date; hasSeconds: boolean } | null;
export type ExportRow = Record<ColumnKey, ExportCell>;

export type ExportFilter = { owner?: string; team?: string };
export type ExportResult =
  { kind: 'rows'; headers: string[]; rows: ExportRow[]; language: HeaderLanguage } | { kind: 'bad_filter'; reason: string };

/** The wall-clock reading of an instant as a zone-less Date (UTC fields = local time), as spreadsheets hold dates. */
function toWallDate(at: Date, timeZone: string): { wall: Date; hasSeconds: boolean } {
  const w = wallClock(at, timeZone);
  return { wall: new Date(Date.UTC(w.y, w.m - 1, w.d, w.hour, w.minute, w.second)), hasSeconds: w.second !== 0 };
}

/**
 * A workspace's customers as import reads them back (export → import changes nothing): owner as
 * `名字 (<platform>:<id>)`, stage by name, amount in yuan or with its currency, dates in the
 * workspace's zone, the first contact. Filtered by owner (`<platform>:<id>`, a user's name, or
 * `pool`) and team (its key in the settings). Read in pages by id.
 */
export async function exportCustomers(
  db: DbOrTx,
  input: { workspaceId: number; filter: ExportFilter; language: HeaderLanguage; defaultTimeZone: string },
): Promise<ExportResult> {
  const { workspaceId, language } = input;
  const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!ws) return { kind: 'bad_filter', reason: `workspace ${workspaceId} does not exist` };
  const timeZone = ws.timeZone ?? input.defaultTimeZone;
  const where: SQL[] = [eq(customers.workspaceId, workspaceId)];
  const { owner, team } = input.filter;
  if (owner === 'pool') where.push(isNull(customers.ownerUserId));
  else if (owner) {
    const wanted = readOwner(owner);
    const found = wanted ? (await loadOwnerDirectory(db, workspaceId, ws.platform, { inactive: true })).lookup(wanted) : null;
    if (found?.kind !== 'user') return { kind: 'bad_filter', reason: found?.kind === 'error' ? found.reason : `no user ${owner}` };
    where.push(eq(customers.ownerUserId, found.user.id));
  }
  if (team) {
    const [row] = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), eq(teams.key, team)))
      .limit(1);
    if (!row) return { kind: 'bad_filter', reason: `no team "${team}" in this workspace (use its id from the settings file)` };
    where.push(eq(customers.teamId, row.id));
  }

  const people = new Map(
    (await db.select().from(users).where(eq(users.workspaceId, workspaceId))).map((u) => [
      u.id,
      u.name ? `${u.name} (${ws.platform}:${u.platformUserId})` : `${ws.platform}:${u.platformUserId}`,
    ]),
  );
  const teamNames = new Map((await db.select().from(teams).where(eq(teams.workspaceId, workspaceId))).map((t) => [t.id, t.name]));
  const rows: ExportRow[] = [];
  for (let after = 0; ;) {
    const page = await db
      .select()
      .from(customers)
      .where(and(...where, gt(customers.id, after)))
      .orderBy(asc(customers.id))
      .limit(PAGE);
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    const firstContact = new Map<number, { name: string }>();
    const contactRows = await db
      .select({ customerId: contacts.customerId, name: contacts.name })
      .from(contacts)
      .where(
        inArray(
          contacts.customerId,
          page.map((c) => c.id),
        ),
      )
      .orderBy(asc(contacts.id));
    for (const c of contactRows) if (!firstContact.has(c.customerId)) firstContact.set(c.customerId, c);
    for (const c of page) {
      rows.push({
        name: c.name,
        contact: firstContact.get(c.id)?.name ?? null,
        phone: c.phone,
        owner: c.ownerUserId === null ? null : (people.get(c.ownerUserId) ?? null),
        team: c.teamId === null ? null : (teamNames.get(c.teamId) ?? null),
        stage: stageName(c.stage, language),
        tier: c.tier,
        tags: c.tags.length ? c.tags.join(';') : null,
        amount: c.amount === null ? null : c.currency === 'CNY' ? String(c.amount) : `${c.currency} ${c.amount}`,
        lastFollowUpAt: c.lastFollowUpAt ? toWallDate(c.lastFollowUpAt, timeZone) : null,
        nextFollowUpAt: c.nextFollowUpAt ? toWallDate(c.nextFollowUpAt, timeZone) : null,
        notes: null,
      });
    }
  }
  return { kind: 'rows', headers: COLUMNS.map((c) => c[language]), rows, language };
}
