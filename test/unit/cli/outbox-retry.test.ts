import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { enqueue, RETRY_FOR_MS } from '../../../src/delivery/outbox.js';
import { useTestDatabase } from '../../helpers/db.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

const cli = runCliCapturing;

describe('genjin outbox retry', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });

  async function row(target: string, createdAt: string, status: 'failed' | 'sent' | 'pending') {
    await enqueue(testDb.db, { target, payload: { kind: 'text' } }, new Date(createdAt));
    await testDb.db
      .update(outbox)
      .set({ status, lastError: status === 'failed' ? 'platform_error: busy' : null })
      .where(eq(outbox.target, target));
  }

  it('queues every failed row again, due now with a fresh day of retries, and says how many', async () => {
    await row('feishu:old', '2026-11-01T00:00:00Z', 'failed');
    await row('feishu:new', '2026-11-20T00:00:00Z', 'failed');
    await row('feishu:done', '2026-11-20T00:00:00Z', 'sent');
    const before = Date.now();
    const result = await cli(['outbox', 'retry'], env());
    expect(result).toMatchObject({ code: 0, out: 'outbox retry: 2 failed message(s) queued again\n' });
    const rows = await testDb.db.select().from(outbox);
    const requeued = rows.filter((r) => r.target !== 'feishu:done');
    expect(
      requeued.every(
        (r) => r.status === 'pending' && r.nextAttemptAt.getTime() >= before - 1000 && r.nextAttemptAt.getTime() <= Date.now(),
      ),
    ).toBe(true);
    expect(requeued.every((r) => Math.abs(r.giveUpAt.getTime() - r.nextAttemptAt.getTime() - RETRY_FOR_MS) < 1000)).toBe(true);
    expect(rows.find((r) => r.target === 'feishu:done')?.status).toBe('sent');
  });

  it('with --since, only rows created at or after it', async () => {
    await row('feishu:old', '2026-11-01T00:00:00Z', 'failed');
    await row('feishu:new', '2026-11-20T00:00:00Z', 'failed');
    expect(await cli(['outbox', 'retry', '--since', '2026-11-20T00:00:00Z'], env())).toMatchObject({
      code: 0,
      out: 'outbox retry: 1 failed message(s) queued again\n',
    });
    const rows = await testDb.db.select().from(outbox);
    expect(Object.fromEntries(rows.map((r) => [r.target, r.status]))).toEqual({ 'feishu:old': 'failed', 'feishu:new': 'pending' });
  });

  it.each([
    [['outbox', 'retry', '--since', 'yesterday'], /--since must be an ISO 8601 time/],
    [['outbox', 'retry', '--since'], /--since must be an ISO 8601 time/],
    [['outbox', 'retry', '--force'], /unknown option "--force"/],
    [['outbox'], /usage: genjin outbox retry/],
    [['outbox', 'purge'], /usage: genjin outbox retry/],
  ])('refuses bad arguments: %j', async (args, message) => {
    const result = await cli(args, env());
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('fails with a message when the database cannot be reached', async () => {
    const result = await cli(['outbox', 'retry'], { DATABASE_URL: 'mysql://root@127.0.0.1:1/genjin', GENJIN_CONFIG: '' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/genjin outbox: cannot reach the database/);
  });
});
