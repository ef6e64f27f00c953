import { and, eq, like } from 'drizzle-orm';
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

/** Claims the rep's round of `day` (under the rep's lock); true when this run is the round. */
export async function claimRound(tx: Tx, rep: { workspaceId: number; userId: number }, day: string, now: Date): Promise<boolean> {
  const slot = `${dayPrefix(rep.workspaceId, day)}${rep.userId}`;
  const [res] = await tx
    .insert(jobRuns)
    .ignore()
    .values({ job: ROUND_JOB, slot, status: 'done', owner: 'reminders', startedAt: now, finishedAt: now });
  return res.affectedRows === 1;
}

/**
 * The reps of the workspace whose round of `day` is claimed: one range of the (job, slot) key.
 * Read without a lock, to plan; `claimRound` decides under the rep's lock.
 */
export async function roundsTaken(db: DbOrTx, workspaceId: number, day: string): Promise<number[]> {
  const prefix = dayPrefix(workspaceId, day);
  const rows = await db
    .select({ slot: jobRuns.slot })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, ROUND_JOB), like(jobRuns.slot, `${prefix}%`)));
  return rows.map((r) => Number(r.slot.slice(prefix.length)));
}
