import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { users, workspaces } from '../../db/schema/index.js';

/** Whom a job's message goes to (a reminder, an escalation, a pool warning), in which language and zone. */
export type MessageRecipient = {
  workspaceId: number;
  platform: string;
  userId: number;
  platformUserId: string;
  name: string | null;
  locale: 'zh-CN' | 'en';
  timeZone: string;
};

export type WorkspaceContext = { id: number; platform: string; timeZone: string; locale: 'zh-CN' | 'en' };

/** Every workspace with its zone and language (its own, else the settings'). */
export async function listWorkspaces(db: DbOrTx, defaults: { timeZone: string; locale: 'zh-CN' | 'en' }): Promise<WorkspaceContext[]> {
  const rows = await db.select().from(workspaces);
  return rows.map((w) => ({
    id: w.id,
    platform: w.platform,
    timeZone: w.timeZone ?? defaults.timeZone,
    locale: w.locale ?? defaults.locale,
  }));
}

/** The people of a workspace by id, addressed and in their language. */
export async function recipientsById(db: DbOrTx, ws: WorkspaceContext, ids: number[]): Promise<Map<number, MessageRecipient>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, ws.id), inArray(users.id, ids)));
  return new Map(
    rows.map((u) => [
      u.id,
      {
        workspaceId: ws.id,
        platform: ws.platform,
        userId: u.id,
        platformUserId: u.platformUserId,
        name: u.name,
        locale: u.locale ?? ws.locale,
        timeZone: ws.timeZone,
      },
    ]),
  );
}

/**
 * When the `index`-th of `count` recipients gets their messages: scheduled runs spread them evenly
 * over `minutes` (not everyone at :00), runs by hand send at once.
 */
export function sendTime(now: Date, opts: { spread: boolean; minutes: number }, index: number, count: number): Date | undefined {
  if (!opts.spread || opts.minutes <= 0 || count <= 1) return undefined;
  return new Date(now.getTime() + Math.floor((index / count) * opts.minutes * 60_000));
}
