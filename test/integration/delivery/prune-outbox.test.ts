import { RUN_BY_HAND } from '../../../src/jobs/types.js';
import { inArray } from 'drizzle-orm';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { outboxDepth } from '../../../src/delivery/outbox.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { pruneOutboxJob } from '../../../src/jobs/prune-outbox.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { createObservedDb, type ObservedDb } from '../domain/count-statements.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-11-25T02:00:00Z');
const STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

describe('outbox housekeeping', () => {
  const testDb = useTestDatabase();
  // The tables are scanned whole: each test starts from an empty outbox.
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });

  /** A row in `status`, last changed (and, when sent, sent) `daysAgo` days before NOW. */
  async function row(status: (typeof STATUSES)[number], daysAgo: number): Promise<number> {
    const at = new Date(NOW.getTime() - daysAgo * DAY);
    const [result] = await testDb.db.insert(outbox).values({
      target: `feishu:${uniqueId('chat')}`,
      payload: { kind: 'text' },
      status,
      giveUpAt: new Date(at.getTime() + DAY),
      nextAttemptAt: at,
      sentAt: status === 'sent' ? at : null,
      createdAt: new Date(at.getTime() - 60_000),
      updatedAt: at,
    });
    return result.insertId;
  }

  describe('prune job', () => {
    it('deletes sent rows older than 7 days and failed rows older than 30 days, in batches, and nothing unfinished', async () => {
      const oldSent = [await row('sent', 8), await row('sent', 9), await row('sent', 30), await row('sent', 100), await row('sent', 7.01)];
      const oldFailed = [await row('failed', 31), await row('failed', 45), await row('failed', 30.01)];
      const kept = [
        await row('sent', 6.99),
        await row('sent', 0),
        await row('failed', 29),
        await row('pending', 60),
        await row('sending', 60),
        await row('pending', 0),
      ];
      const job = pruneOutboxJob({ db: testDb.db, clock: fixedClock(NOW), batchSize: 2 });
      expect(job.cron).toMatch(/^\d+ \* \* \* \*$/);
      expect(await job.run(NOW, RUN_BY_HAND)).toEqual({ sent: 5, failed: 3 });
      const left = await testDb.db.select({ id: outbox.id }).from(outbox);
      expect(left.map((r) => r.id).sort((a, b) => a - b)).toEqual(kept);
      expect(
        await testDb.db
          .select({ id: outbox.id })
          .from(outbox)
          .where(inArray(outbox.id, [...oldSent, ...oldFailed])),
      ).toEqual([]);
      expect(await job.run(NOW, RUN_BY_HAND)).toEqual({ sent: 0, failed: 0 });
    });
  });

  describe('depth gauge', () => {
    let statements: ObservedDb;
    beforeAll(() => {
      statements = createObservedDb(testDb.url);
    });
    afterAll(() => statements.close());

    it('counts only unfinished rows, through an index', async () => {
      for (const status of STATUSES) for (let i = 0; i < 3; i++) await row(status, i);
      await row('pending', 1);
      statements.reset();
      expect(await outboxDepth(statements.db)).toEqual({ pending: 4, sending: 3, failed: 3 });
      const [call] = statements.calls();
      if (!call) throw new Error('no statement seen');
      const [plan] = await statements.pool.query<RowDataPacket[]>(`EXPLAIN ${call.sql}`, call.params);
      expect(plan.map((p: RowDataPacket) => ({ type: p.type, key: p.key }))).toEqual([
        { type: expect.stringMatching(/^(range|ref|index)$/), key: expect.stringMatching(/^outbox_status_/) },
      ]);
      expect(plan[0]?.type).not.toBe('index'); // a full index scan would still read every row
    });

    it('asks the database at most once per 15 s, however often Prometheus scrapes', async () => {
      let asked = 0;
      let now = 1_000_000;
      const metrics = createMetrics({
        outboxDepth: async () => {
          asked += 1;
          return { pending: asked, sending: 0, failed: 0 };
        },
        now: () => now,
      });
      const scrape = () => metrics.registry.metrics();
      await Promise.all([scrape(), scrape(), scrape()]);
      expect(await scrape()).toMatch(/genjin_outbox_messages\{status="pending"\} 1\b/);
      now += 14_999;
      await scrape();
      expect(asked).toBe(1);
      now += 1;
      expect(await scrape()).toMatch(/genjin_outbox_messages\{status="pending"\} 2\b/);
      expect(asked).toBe(2);
    });
  });
});
