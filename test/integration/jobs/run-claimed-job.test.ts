import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobRuns } from '../../../src/db/schema/index.js';
import { runClaimedJob } from '../../../src/jobs/run-claimed-job.js';
import type { Job } from '../../../src/jobs/types.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

describe('runClaimedJob', () => {
  const testDb = useTestDatabase();
  const clock = fixedClock('2026-11-30T01:00:00Z');

  it('runs a slot once even when several replicas fire together', async () => {
    let runs = 0;
    const job: Job = { name: uniqueId('job'), cron: '0 9 * * 1', run: async () => ({ n: ++runs }) };
    const slot = new Date('2026-11-30T01:00:00Z');
    const replicas = ['a', 'b', 'c'].map((owner) => runClaimedJob({ db: testDb.db, clock, log: captureLogs().log, owner }, job, slot));
    const outcomes = await Promise.all(replicas);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['done', 'skipped', 'skipped']);
    expect(runs).toBe(1);
    const [row] = await testDb.db.select().from(jobRuns).where(eq(jobRuns.job, job.name));
    expect(row).toMatchObject({ status: 'done', report: { n: 1 } });
    // The next slot is a new run.
    expect(
      await runClaimedJob({ db: testDb.db, clock, log: captureLogs().log, owner: 'a' }, job, new Date('2026-12-07T01:00:00Z')),
    ).toEqual({
      outcome: 'done',
      report: { n: 2 },
    });
  });

  it('records a failure with its message and does not rerun the slot', async () => {
    const job: Job = {
      name: uniqueId('job'),
      cron: '* * * * *',
      run: async () => {
        throw new Error('boom');
      },
    };
    const slot = new Date('2026-11-30T01:05:00Z');
    const deps = { db: testDb.db, clock, log: captureLogs().log, owner: 'a' };
    expect(await runClaimedJob(deps, job, slot)).toEqual({ outcome: 'failed', error: 'boom' });
    expect(await runClaimedJob(deps, job, slot)).toEqual({ outcome: 'skipped' });
    const [row] = await testDb.db.select().from(jobRuns).where(eq(jobRuns.job, job.name));
    expect(row).toMatchObject({ status: 'failed', error: 'boom' });
  });
});
