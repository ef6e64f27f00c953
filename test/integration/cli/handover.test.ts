import { and, eq, inArray } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { assignments, auditLog, customers, handovers, users } from '../../../src/db/schema/index.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

const cli = runCliCapturing;

describe('genjin handover', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });
  const f = handoverFixture(() => testDb.handle);
  let p: Record<'a' | 'b' | 'c' | 'gone', UserRecord>;
  let w: number;
  beforeEach(async () => {
    w = await createTestWorkspace(testDb.handle, 'feishu');
    const team = await f.team(w, 'east');
    p = {
      a: await f.user(w, 'rep', team, { name: '张三' }),
      b: await f.user(w, 'rep', team, { name: '李四' }),
      c: await f.user(w, 'rep', team, { name: '王五' }),
      gone: await f.user(w, 'rep', team, { active: false }),
    };
  });
  const ownersOf = async (ids: number[]) =>
    (await testDb.db.select({ owner: customers.ownerUserId }).from(customers).where(inArray(customers.id, ids))).map((r) => r.owner);

  it('--dry-run prints the counts and the share, and changes nothing', async () => {
    const ids = await f.book(p.a, 40);
    const result = await cli(['handover', '--from', p.a.ref, '--to', p.b.ref, '--deactivate', '--dry-run'], env());
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`handover 张三 (${p.a.platformUserId}) → 李四 (${p.b.platformUserId})`);
    expect(result.out).toContain('customers: 40, open reminders: 4, follow-ups: 8');
    expect(result.out).toContain(`dry run: would move 40 customer(s): 李四 (${p.b.platformUserId}): 40; nothing changed`);
    expect(result.out).toContain('dry run: would deactivate 张三');
    expect(new Set(await ownersOf(ids))).toEqual(new Set([p.a.id]));
    expect(await testDb.db.select().from(handovers).where(eq(handovers.fromUserId, p.a.id))).toEqual([]);
  });

  it('moves every customer to B in batches of 500, audited as cli, and prints the numbers', async () => {
    const ids = await f.book(p.a, 1100);
    const result = await cli(['handover', '--from', p.a.ref, '--to', p.b.ref], env());
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('  500 moved\n  1000 moved\n  1100 moved\n');
    expect(result.out).toContain(`done: moved 1100 customer(s): 李四 (${p.b.platformUserId}): 1100`);
    expect(new Set(await ownersOf(ids))).toEqual(new Set([p.b.id]));
    expect(await testDb.db.select().from(assignments).where(inArray(assignments.customerId, ids))).toHaveLength(1100);
    const [audit] = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'customer'), eq(auditLog.subjectId, String(ids[0]))));
    expect(audit).toMatchObject({ actor: 'cli', action: 'customer.handover' });
    const [row] = await testDb.db.select().from(handovers).where(eq(handovers.fromUserId, p.a.id));
    expect(row).toMatchObject({ status: 'done', moved: 1100, actor: 'cli', requestedBy: null });
  });

  it('--spread --deactivate levels the team and deactivates A', async () => {
    await f.book(p.b, 4);
    const ids = await f.book(p.a, 10);
    const result = await cli(['handover', '--from', p.a.ref, '--spread', '--deactivate'], env());
    expect(result.code).toBe(0);
    expect(result.out).toContain(`done: moved 10 customer(s): 王五 (${p.c.platformUserId}): 7, 李四 (${p.b.platformUserId}): 3`);
    expect(result.out).toContain('张三');
    expect(result.out).toMatch(/deactivated\n$/);
    const owners = await ownersOf(ids);
    expect(owners.filter((o) => o === p.c.id)).toHaveLength(7);
    const [a] = await testDb.db.select().from(users).where(eq(users.id, p.a.id));
    expect(a?.active).toBe(false);
  });

  it.each([
    [['--from', 'feishu:ou_x'], 'give either --to <platform>:<id> or --spread'],
    [['--to', 'feishu:ou_x'], '--from is required'],
    [['--from', 'ou_x', '--spread'], '--from must be <platform>:<id>'],
    [['--from', 'feishu:a', '--to', 'wecom:b'], 'same platform'],
    [['--from', 'feishu:a', '--spread', '--now'], 'unknown option "--now"'],
  ])('refuses bad arguments %j with exit 2 and the usage', async (args, message) => {
    const result = await cli(['handover', ...args], env());
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('usage: genjin handover');
  });

  it('exits 1 with a message for unknown users, an inactive B, and an unreachable database', async () => {
    const ids = await f.book(p.a, 3);
    expect(await cli(['handover', '--from', 'feishu:ou_nobody', '--to', p.b.ref], env())).toMatchObject({
      code: 1,
      err: 'genjin handover: no user feishu:ou_nobody (they appear once they have written to the bot)\n',
    });
    expect(await cli(['handover', '--from', p.a.ref, '--to', 'feishu:ou_nobody'], env())).toMatchObject({ code: 1 });
    expect(await cli(['handover', '--from', p.a.ref, '--to', p.gone.ref], env())).toMatchObject({
      code: 1,
      err: `genjin handover: ${p.gone.ref} is deactivated\n`,
    });
    const down = await cli(['handover', '--from', p.a.ref, '--to', p.b.ref], {
      DATABASE_URL: 'mysql://root@127.0.0.1:1/genjin',
      GENJIN_CONFIG: '',
    });
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot reach the database (ECONNREFUSED)');
    expect(new Set(await ownersOf(ids))).toEqual(new Set([p.a.id]));
  });
});
