import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followUps, outbox } from '../../../src/db/schema/index.js';
import { enqueue } from '../../../src/delivery/outbox.js';
import { createOutboxWorker, type Deliver } from '../../../src/delivery/outbox-worker.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createTestWorkspace, useTestDatabase, uniqueId } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';
import { createStatementLog, statementKind } from '../../helpers/statement-log.js';

/**
 * A sent card's ref is stored on the row it shows (so later changes update the card) in the same
 * statement that marks the outbox row sent: one UPDATE, still conditional on the lease.
 */
describe('the card link written with the settle', () => {
  const testDb = useTestDatabase();

  async function followUp(workspaceId: number): Promise<number> {
    const now = new Date();
    const [result] = await testDb.db.insert(followUps).values({
      workspaceId,
      authorUserId: 1,
      rawText: 'x',
      parsed: {},
      summary: 'x',
      occurredAt: now,
      createdAt: now,
      updatedAt: now,
    });
    return result.insertId;
  }

  const card = (chat: string, link?: { kind: 'follow_up'; id: number }) => ({
    target: `feishu:chat:${chat}`,
    payload: {
      kind: 'send',
      to: { platform: 'feishu', kind: 'chat', id: chat },
      message: { kind: 'text', text: chat },
      ...(link ? { link } : {}),
    },
  });

  it('marks the row sent and stores the ref on the follow-up in one statement, and settles a card whose follow-up is gone', async () => {
    const log = createStatementLog(testDb.url);
    try {
      const workspaceId = await createTestWorkspace(testDb.handle);
      const shown = await followUp(workspaceId);
      const chat = uniqueId('oc');
      await enqueue(testDb.db, card(chat, { kind: 'follow_up', id: shown }), new Date());
      const gone = uniqueId('oc');
      await enqueue(testDb.db, card(gone, { kind: 'follow_up', id: 999_999_999 }), new Date());
      const deliver: Deliver = async (row) => ({ ref: `om_${row.id}`, link: row.payload.link as { kind: 'follow_up'; id: number } });
      const worker = createOutboxWorker({
        db: log.handle.db,
        clock: systemClock,
        log: captureLogs().log,
        deliver,
        limiter: { waitMs: async () => 0 },
      });
      const report = await worker.runOnce();
      expect(report.sent).toBe(2);
      // No update of follow_ups of its own: the two settles (one per row) write the link.
      expect(log.statements().map(statementKind)).not.toContain('update follow_ups');
      const linking = log.statements().filter((s) => s.includes('card_message_id'));
      expect(linking.map(statementKind)).toEqual(['update outbox', 'update outbox']);
      const [row] = await testDb.db
        .select()
        .from(outbox)
        .where(eq(outbox.target, `feishu:chat:${chat}`));
      expect(row).toMatchObject({ status: 'sent', sentRef: `om_${row?.id}`, leaseOwner: null });
      const [linked] = await testDb.db.select().from(followUps).where(eq(followUps.id, shown));
      expect(linked?.cardMessageId).toBe(`om_${row?.id}`);
      const [orphan] = await testDb.db
        .select()
        .from(outbox)
        .where(eq(outbox.target, `feishu:chat:${gone}`));
      expect(orphan).toMatchObject({ status: 'sent', sentRef: `om_${orphan?.id}` });
    } finally {
      await log.handle.close();
    }
  });

  it('writes neither the outbox row nor the link when the lease was lost before the send ended', async () => {
    const workspaceId = await createTestWorkspace(testDb.handle);
    const shown = await followUp(workspaceId);
    const chat = uniqueId('oc');
    await enqueue(testDb.db, card(chat, { kind: 'follow_up', id: shown }), new Date());
    const deliver: Deliver = async (row) => {
      // Another holder took the row meanwhile (its lease ran out here).
      await testDb.db.update(outbox).set({ leaseOwner: 'someone-else' }).where(eq(outbox.id, row.id));
      return { ref: 'om_late', link: { kind: 'follow_up', id: shown } };
    };
    const logs = captureLogs();
    const worker = createOutboxWorker({ db: testDb.db, clock: systemClock, log: logs.log, deliver, limiter: { waitMs: async () => 0 } });
    await worker.runOnce();
    const [row] = await testDb.db
      .select()
      .from(outbox)
      .where(eq(outbox.target, `feishu:chat:${chat}`));
    expect(row).toMatchObject({ status: 'sending', leaseOwner: 'someone-else', sentRef: null });
    const [linked] = await testDb.db.select().from(followUps).where(eq(followUps.id, shown));
    expect(linked?.cardMessageId).toBeNull();
  });
});
