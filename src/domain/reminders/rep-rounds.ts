import { and, eq, inArray, like } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { jobRuns } from '../../db/schema/index.js';

/**
 * A rep's daily round: the first run of a local day that reminds the rep. Only that run reminds
 * again of customers already reminded in their due episode on an earlier day (a summary lists
 * them without writing a row each); later runs of the day send only what fell due since. The
 * round is claimed in `job_runs` as a slot of its own (`reminders.round`,
 * `<workspaceId>:<day>:<userId>`), with
 * the unique (job, slot) key that keeps the job's own slots once across replicas, inside the
 * rep's transaction, so it is claimed if and only if the rep's rows and messages are committed.
 */
export const ROUND_JOB = 'reminders.round';

const dayPrefix = (workspaceId: number, day: string) => `${workspaceId}:${day}:`;

/** Claims the rounds of `day` of these reps (under their locks, after `roundsTakenOf` found them free). */
export async function claimRounds(tx: Tx, workspaceId: number, day: string, userIds: readonly number[], now: Date): Promise<void> {
  if (userIds.length === 0) return;
  await tx
    .insert(jobRuns)
    .ignore()
    .values(
      userIds.map((id) => ({
        job: ROUND_JOB,
        slot: `${dayPrefix(workspaceId, day)}${id}`,
        status: 'done' as const,
        owner: 'reminders',
        startedAt: now,
        finishedAt: now,
      })),
    );
}

/** Which of these reps' rounds of `day` are claimed (read under the reps' locks, it decides). */
export async function roundsTakenOf(tx: Tx, workspaceId: number, day: string, userIds: readonly number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const prefix = dayPrefix(workspaceId, day);
  const rows = await tx
    .select({ slot: jobRuns.slot })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.job, ROUND_JOB),
        inArray(
          jobRuns.slot,
          userIds.map((id) => `${prefix}${id}`),
        ),
      ),
    );
  return new Set(rows.map((r) => Number(r.slot.slice(prefix.length))));
}

/**
 * The reps of the workspace whose round of `day` is claimed: one range of the (job, slot) key.
 * Read without a lock, to plan; `roundsTakenOf` decides under the reps' locks.
 */
export async function roundsTaken(db: DbOrTx, workspaceId: number, day: string): Promise<number[]> {
  const prefix = dayPrefix(workspaceId, day);
  const rows = await db
    .select({ slot: jobRuns.slot })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, ROUND_JOB), like(jobRuns.slot, `${prefix}%`)));
  return rows.map((r) => Number(r.slot.slice(prefix.length)));
}
