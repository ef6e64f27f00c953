import { and, eq, getTableColumns, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { notePrompts, reminders } from '../../db/schema/index.js';

/** A prompt, with the platform's ref of the reminder card 已跟进 was pressed on (null on `/我的`, or when none was stored). */
export type NotePrompt = typeof notePrompts.$inferSelect & { cardRef: string | null };

/** How long 已跟进 on WeCom waits for the rep's next message. */
export const NOTE_PROMPT_TTL_MS = 30 * 60_000;

/** Stores the prompt; the unique (workspace, user) key makes a newer prompt replace an older one. */
export async function savePrompt(
  db: DbOrTx,
  p: { workspaceId: number; userId: number; customerId: number; reminderId: number | null; now: Date },
): Promise<Date> {
  const expiresAt = new Date(p.now.getTime() + NOTE_PROMPT_TTL_MS);
  const values = { customerId: p.customerId, reminderId: p.reminderId, expiresAt, createdAt: p.now };
  await db
    .insert(notePrompts)
    .values({ workspaceId: p.workspaceId, userId: p.userId, ...values })
    .onDuplicateKeyUpdate({ set: values });
  return expiresAt;
}

/**
 * The user's open prompt: one read on the unique (workspace, user) key, with its reminder's card ref
 * by primary key; expired prompts count as none.
 */
export async function openPrompt(db: DbOrTx, workspaceId: number, userId: number, now: Date): Promise<NotePrompt | null> {
  const [row] = await db
    .select({ ...getTableColumns(notePrompts), cardRef: reminders.messageRef })
    .from(notePrompts)
    .leftJoin(reminders, eq(reminders.id, notePrompts.reminderId))
    .where(and(eq(notePrompts.workspaceId, workspaceId), eq(notePrompts.userId, userId), gt(notePrompts.expiresAt, now)))
    .limit(1);
  return row ?? null;
}

/**
 * Takes the prompt: deletes exactly this row while it is still open. True for the one transaction
 * that deleted it, so a prompt answers one message even when two arrive at once.
 */
export async function takePrompt(db: DbOrTx, prompt: Pick<NotePrompt, 'id'>, now: Date): Promise<boolean> {
  const [res] = await db.delete(notePrompts).where(and(eq(notePrompts.id, prompt.id), gt(notePrompts.expiresAt, now)));
  return res.affectedRows === 1;
}

export async function dropPrompt(db: DbOrTx, prompt: Pick<NotePrompt, 'id'>): Promise<void> {
  await db.delete(notePrompts).where(eq(notePrompts.id, prompt.id));
}
