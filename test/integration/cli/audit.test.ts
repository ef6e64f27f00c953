import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { customers, users, workspaces } from '../../../src/db/schema/index.js';
import { createFollowUpsService } from '../../../src/domain/follow-ups/follow-ups-service.js';
import { createOwnershipService } from '../../../src/domain/ownership/ownership-service.js';
import { createUsersService, type UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { draftFor } from '../../helpers/factories.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

const cli = runCliCapturing;

/** `genjin audit --customer`: a customer's history from audit_log, newest first, in the workspace's zone. */
describe('genjin audit', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });
  const clock = fixedClock('2026-11-25T02:00:05Z');
  let w = 0;
  let rep: UserRecord;
  let customerId = 0;
  let followUpId = 0;
  let undoneCustomerId = 0;

  beforeAll(async () => {
    w = await createTestWorkspace(testDb.handle);
    const usersService = createUsersService({ db: testDb.db, clock, teams: [] });
    rep = await usersService.ensureUser(w, 'feishu', uniqueId('ou'));
    await testDb.db.update(users).set({ name: '张三' }).where(eq(users.id, rep.id));
    rep = { ...rep, name: '张三' };
    const followUps = createFollowUpsService({ db: testDb.db, clock });
    const ownership = createOwnershipService({
      db: testDb.db,
      clock,
      pool: { maxClaimsPerDay: 10, reclaimCooldownDays: 7 },
      timeZone: 'Asia/Shanghai',
    });
    const note = (text: string, overrides = {}) =>
      followUps.recordNote({
        workspaceId: w,
        author: rep,
        text,
        sourceMessageId: uniqueId('om'),
        occurredAt: clock.now(),
        draft: draftFor(text, overrides),
      });
    const saved = await note('今天给云帆科技王总打电话,预算50万', { stage: 'quote' });
    if (saved.kind !== 'saved') throw new Error(saved.kind);
    customerId = saved.customer.id;
    followUpId = saved.followUp.id;
    clock.set('2026-11-25T03:30:00Z');
    await followUps.edit({ workspaceId: w, actor: rep, followUpId, changes: { amount: 600000 }, source: 'command' });
    clock.set('2026-11-26T01:00:00Z');
    await ownership.release({ actor: rep, customerId, reason: '预算冻结', source: 'command' });
    // Seven days after the release: the cooldown is over.
    clock.set('2026-12-03T02:00:00Z');
    await ownership.claim({ actor: rep, customerId, source: 'card' });

    // A customer an undo removed again is still found by id.
    clock.set('2026-11-25T05:00:00Z');
    const gone = await note('拜访保利地产高总,预算80万');
    if (gone.kind !== 'saved') throw new Error(gone.kind);
    undoneCustomerId = gone.customer.id;
    await followUps.undo({ workspaceId: w, actor: rep, followUpId: gone.followUp.id });

    // The same name in another workspace.
    const other = await createTestWorkspace(testDb.handle, 'wecom');
    await testDb.db.update(workspaces).set({ timeZone: 'Europe/Berlin' }).where(eq(workspaces.id, other));
    const now = new Date();
    await testDb.db
      .insert(customers)
      .values({ workspaceId: other, name: '云帆科技', normalizedName: '云帆科技', tags: [], createdAt: now, updatedAt: now });
  });

  it('prints the history newest first: time in the workspace zone, actor, action, before → after, source', async () => {
    const result = await cli(['audit', '--customer', String(customerId)], env());
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const ref = rep.ref;
    expect(result.out).toBe(
      [
        `云帆科技 (customer ${customerId}, workspace ${w}; times in Asia/Shanghai)`,
        `2026-12-03 10:00:00  ${ref}  customer.claim  owner: (pool) → 张三  [card]`,
        `2026-11-26 09:00:00  ${ref}  customer.release  owner: 张三 → (pool)  [command: 预算冻结]`,
        `2026-11-25 11:30:00  ${ref}  follow_up.edit (follow_up #${followUpId})  amount: 500000 → 600000  [chat]`,
        `2026-11-25 11:30:00  ${ref}  customer.update  amount: 500000 → 600000  [command]`,
        `2026-11-25 10:00:05  ${ref}  customer.update  stage: lead → quote; amount: — → 500000  [note]`,
        `2026-11-25 10:00:05  ${ref}  follow_up.create (follow_up #${followUpId})  customerId: — → ${customerId}; status: — → confirmed  [chat]`,
        '',
      ].join('\n'),
    );
  });

  it('finds a customer by name with --workspace, and refuses a name several workspaces use without it', async () => {
    const ambiguous = await cli(['audit', '--customer', '云帆科技'], env());
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.out).toBe('');
    expect(ambiguous.err).toContain('"云帆科技" names customers in several workspaces; add --workspace <id> or use the customer id:');
    expect(ambiguous.err).toContain(`customer ${customerId} "云帆科技" in workspace ${w}`);

    const byName = await cli(['audit', '--customer', '云帆科技', '--workspace', String(w)], env());
    expect(byName.code).toBe(0);
    expect(byName.out.split('\n')[1]).toContain('customer.claim');
  });

  it('finds a customer an undo deleted by its id, and says when nothing matches', async () => {
    const deleted = await cli(['audit', '--customer', String(undoneCustomerId)], env());
    expect(deleted.code).toBe(0);
    expect(deleted.out.split('\n').slice(0, 4)).toEqual([
      `保利地产 (customer ${undoneCustomerId}, deleted, workspace ${w}; times in Asia/Shanghai)`,
      expect.stringMatching(/^2026-11-25 13:00:00 {2}\S+ {2}follow_up\.undo \(follow_up #\d+\) {2}status: confirmed → undone {2}\[chat\]$/),
      `2026-11-25 13:00:00  ${rep.ref}  customer.delete  name: 保利地产; stage: lead; amount: 800000; currency: CNY → (deleted)  [card]`,
      `2026-11-25 13:00:00  ${rep.ref}  customer.update  amount: — → 800000  [note]`,
    ]);

    const none = await cli(['audit', '--customer', '不存在的客户'], env());
    expect(none).toEqual({ code: 1, out: '', err: 'genjin audit: no customer "不存在的客户"\n' });
    const usage = await cli(['audit'], env());
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: genjin audit --customer <name|id> [--workspace <id>]');
  });
});
