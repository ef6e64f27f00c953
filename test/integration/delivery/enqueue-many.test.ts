import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueueMany, RETRY_FOR_MS, type OutboundEnvelope } from '../../../src/delivery/outbox.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';

const NOW = new Date('2026-11-25T02:00:00.123Z');

/**
 * enqueueMany writes its rows as one statement it spells out itself (bench:reminders): every value
 * must come back exactly as given, whatever a customer's name or note holds, and the dedupe key
 * still keeps one row.
 */
describe('enqueueMany', () => {
  const testDb = useTestDatabase();

  const hostile = [
    "O'Brien's 报价 '; drop table outbox; --",
    'back\\slash \\\' \\" "quoted" \'\' end\\',
    '换行\n制表\t回车\r 零\u0000 表情😀 \u2028',
    "\\'); delete from outbox where ('1'='1",
  ];

  it('stores every text, time and key exactly, and keeps one row per dedupe key', async () => {
    const key = uniqueId('key');
    const messages: OutboundEnvelope[] = hostile.map((text, i) => ({
      target: `feishu:ou_${i}'\\x`,
      payload: { kind: 'send', message: { kind: 'text', text }, n: i, nested: [text, { t: text }] },
      workspaceId: i === 0 ? undefined : 7,
      dedupeKey: i === 3 ? undefined : `${key}:${i}:\\'`,
      notBefore: i === 1 ? new Date(NOW.getTime() + 90_000) : undefined,
    }));
    await enqueueMany(testDb.db, messages, NOW);
    // Again: the keyed rows are kept once; the unkeyed one is a new row.
    await enqueueMany(testDb.db, messages, NOW);
    const rows = await testDb.db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.target,
          hostile.map((_, i) => `feishu:ou_${i}'\\x`),
        ),
      )
      .orderBy(outbox.id);
    expect(rows).toHaveLength(5);
    for (const [i, text] of hostile.entries()) {
      const row = rows.find((r) => r.target === `feishu:ou_${i}'\\x`)!;
      expect(row.payload).toEqual(messages[i]!.payload);
      expect(row.payload).toMatchObject({ message: { text } });
      expect(row.workspaceId).toBe(i === 0 ? null : 7);
      expect(row.dedupeKey).toBe(i === 3 ? null : `${key}:${i}:\\'`);
      expect(row).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null, sentAt: null });
      const due = i === 1 ? NOW.getTime() + 90_000 : NOW.getTime();
      expect(row.nextAttemptAt.getTime()).toBe(due);
      expect(row.giveUpAt.getTime()).toBe(due + RETRY_FOR_MS);
      expect(row.createdAt.getTime()).toBe(NOW.getTime());
    }
    expect(await testDb.db.select().from(outbox).where(eq(outbox.target, "feishu:ou_3'\\x"))).toHaveLength(2);
  });
});
