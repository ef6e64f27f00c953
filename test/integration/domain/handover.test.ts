import { and, count, countDistinct, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db, type DbHandle } from '../../../src/db/client.js';
import { assignments, auditLog, customers, handovers, outbox, reminders, users } from '../../../src/db/schema/index.js';
import { createHandoverService, type HandoverOutcome } from '../../../src/domain/ownership/handover.js';
import { HANDOVER_LEASE_MS } from '../../../src/domain/ownership/run-handover.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { NOW } from '../../helpers/factories.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';

/**
 * 离职交接 against the real database: batches of 500 that survive a dead runner and a failed
 * transaction without losing or repeating a move, the fewest-first spread, and who may do it.
 */
describe('handover', () => {
  const testDb = useTestDatabase();
  let handle: DbHandle;
  const clock = fixedClock(NOW);
  let service: ReturnType<typeof createHandoverService>;
  const f = handoverFixture(() => handle);
  let w: number;
  let east: number;
  let p: Record<'manager' | 'a' | 'b' | 'c' | 'd' | 'gone' | 'otherManager' | 'westRep' | 'admin' | 'outsider', UserRecord>;
  const outbound = (o: HandoverOutcome) => [
    {
      target: `test:${o.handoverId}`,
      workspaceId: o.workspaceId,
      dedupeKey: `handover:${o.handoverId}`,
      payload: { kind: 'text' as const },
    },
  ];

  beforeAll(() => {
    handle = createDb(testDb.url, 10);
    service = createHandoverService({ db: handle.db, clock });
  });
  afterAll(() => handle.close());
  beforeEach(async () => {
    clock.set(NOW);
    w = await createTestWorkspace(handle);
    east = await f.team(w, 'east');
    const west = await f.team(w, 'west');
    const other = await createTestWorkspace(handle);
    p = {
      manager: await f.user(w, 'manager', east),
      a: await f.user(w, 'rep', east, { name: '张三' }),
      b: await f.user(w, 'rep', east, { name: '李四' }),
      c: await f.user(w, 'rep', east, { name: '王五' }),
      d: await f.user(w, 'rep', east, { name: '赵六' }),
      gone: await f.user(w, 'rep', east, { active: false }),
      otherManager: await f.user(w, 'manager', west),
      westRep: await f.user(w, 'rep', west),
      admin: await f.user(w, 'admin', null),
      outsider: await f.user(other, 'admin', null),
    };
  });

  const ownersOf = async (ids: number[]) =>
    (await handle.db.select({ owner: customers.ownerUserId }).from(customers).where(inArray(customers.id, ids))).map((r) => r.owner);
  const handoverRow = async (id: number) => (await handle.db.select().from(handovers).where(eq(handovers.id, id)))[0]!;

  async function confirmed(from: UserRecord, to: UserRecord | 'spread', deactivate = false) {
    const proposed = await service.propose({
      actor: p.manager,
      from: { platformUserId: from.platformUserId },
      to: to === 'spread' ? to : { id: to.id },
    });
    if (proposed.kind !== 'proposed') throw new Error(`proposal refused: ${proposed.kind}`);
    const done = await service.confirm({ actor: p.manager, handoverId: proposed.handoverId, deactivate, source: 'card' });
    expect(done.kind).toBe('confirmed');
    return proposed;
  }

  /** Each customer has exactly one handover assignment, and every one of them is B's now. */
  async function expectMovedOnce(ids: number[], to: number) {
    const [row] = await handle.db
      .select({ rows: count(), customers: countDistinct(assignments.customerId) })
      .from(assignments)
      .where(and(inArray(assignments.customerId, ids), eq(assignments.reason, 'handover')));
    expect(row).toEqual({ rows: ids.length, customers: ids.length });
    expect(new Set(await ownersOf(ids))).toEqual(new Set([to]));
  }

  it('hands over 3,000 customers, stopped after three batches and resumed by the job once the lease ran out: none lost, none twice', async () => {
    const ids = await f.book(p.a, 3000);
    const proposed = await confirmed(p.a, p.b);
    expect(proposed.counts).toEqual({ customers: 3000, openReminders: 300, followUps: 600 });

    // The runner takes the handover, commits three batches, and its process dies.
    const lease = await service.claim(proposed.handoverId);
    expect(lease).not.toBeNull();
    let current = lease!;
    for (let i = 0; i < 3; i++) {
      const batch = await service.runBatch(proposed.handoverId, current);
      if (batch.kind !== 'moved') throw new Error(batch.kind);
      expect(batch.count).toBe(500);
      current = batch.lease;
    }
    expect(await handoverRow(proposed.handoverId)).toMatchObject({ status: 'running', moved: 1500, total: 3000 });
    // While the dead runner's lease lasts, nobody else takes the row.
    expect(await service.runDue({ outbound })).toMatchObject({ started: 0 });

    clock.advance(HANDOVER_LEASE_MS + 1000);
    const started = performance.now();
    const report = await service.runDue({ outbound });
    const ms = performance.now() - started;
    expect(report).toMatchObject({ started: 1, moved: 1500, finished: 1, failed: [] });
    console.info(`handover: resumed 1,500 of 3,000 customers in ${Math.round(ms)} ms`);

    await expectMovedOnce(ids, p.b.id);
    expect(await handoverRow(proposed.handoverId)).toMatchObject({ status: 'done', moved: 3000, leaseUntil: null });
    // Only the owner changed: stages and amounts stay, open reminders went with the customers.
    const [kept] = await handle.db
      .select({ n: count() })
      .from(customers)
      .where(and(inArray(customers.id, ids), eq(customers.stage, 'quote')));
    expect(kept?.n).toBe(3000);
    const [first] = await handle.db.select().from(customers).where(eq(customers.id, ids[0]!));
    expect(first).toMatchObject({ amount: 10_000, teamId: east });
    const open = await handle.db.select({ userId: reminders.userId }).from(reminders).where(inArray(reminders.customerId, ids));
    expect(open).toHaveLength(300);
    expect(open.every((r) => r.userId === p.b.id)).toBe(true);
    const [audits] = await handle.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, w), eq(auditLog.action, 'customer.handover'), eq(auditLog.actor, p.manager.ref)));
    expect(audits?.n).toBe(3000);
    // The final report is enqueued once, with the finishing transaction.
    expect(
      await handle.db
        .select()
        .from(outbox)
        .where(eq(outbox.target, `test:${proposed.handoverId}`)),
    ).toHaveLength(1);

    // Running it again moves nothing.
    clock.advance(HANDOVER_LEASE_MS + 1000);
    expect(await service.claim(proposed.handoverId)).toBeNull();
    expect(await service.runDue({ outbound })).toMatchObject({ started: 0, moved: 0 });
  }, 120_000);

  it('a batch whose transaction fails rolls back whole; the next run resumes from A’s remaining customers', async () => {
    const ids = await f.book(p.a, 1200);
    const proposed = await confirmed(p.a, p.c);
    // The second batch's transaction does its work and then fails to commit (a lost connection).
    let transactions = 0;
    const failing = new Proxy(handle.db, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
        return (work: Parameters<Db['transaction']>[0], config: Parameters<Db['transaction']>[1]) =>
          target.transaction(async (tx) => {
            const result = await work(tx);
            if (++transactions === 2)
              throw Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
            return result;
          }, config);
      },
    });
    const flaky = createHandoverService({ db: failing, clock });
    const first = await flaky.runDue({ outbound });
    expect(first).toMatchObject({ started: 1, moved: 0, finished: 0 });
    expect(first.failed).toHaveLength(1);
    // The first batch stayed; the failed one left nothing behind, and the lease was given back.
    expect(await handoverRow(proposed.handoverId)).toMatchObject({ status: 'running', moved: 500, leaseUntil: null });
    const [half] = await handle.db.select({ n: count() }).from(assignments).where(inArray(assignments.customerId, ids));
    expect(half?.n).toBe(500);

    const second = await flaky.runDue({ outbound });
    expect(second).toMatchObject({ started: 1, moved: 700, finished: 1, failed: [] });
    await expectMovedOnce(ids, p.c.id);
    expect(await handoverRow(proposed.handoverId)).toMatchObject({ status: 'done', moved: 1200 });
  }, 60_000);

  it('spreads over the team’s active reps, fewest customers first, never to A, the manager or someone deactivated', async () => {
    await f.book(p.b, 3);
    await f.book(p.d, 5);
    const ids = await f.book(p.a, 10);
    const proposed = await confirmed(p.a, 'spread');
    // 18 customers over three reps levels at six each: 李四 +3, 王五 +6, 赵六 +1.
    expect(proposed.share.map((s) => [s.user.name, s.count])).toEqual([
      ['李四', 3],
      ['王五', 6],
      ['赵六', 1],
    ]);
    const report = await service.runDue({ outbound });
    expect(report).toMatchObject({ finished: 1, moved: 10 });
    const owners = await ownersOf(ids);
    expect(owners.filter((o) => o === p.b.id)).toHaveLength(3);
    expect(owners.filter((o) => o === p.c.id)).toHaveLength(6);
    expect(owners.filter((o) => o === p.d.id)).toHaveLength(1);
  });

  it('refuses a rep, another team’s manager, another workspace, an inactive or out-of-scope B, changing nothing', async () => {
    const ids = await f.book(p.a, 5);
    const from = { platformUserId: p.a.platformUserId };
    expect(await service.propose({ actor: p.b, from, to: { id: p.c.id } })).toEqual({ kind: 'forbidden' });
    expect(await service.propose({ actor: p.otherManager, from, to: { id: p.westRep.id } })).toEqual({ kind: 'forbidden' });
    expect(await service.propose({ actor: p.outsider, from, to: { id: p.b.id } })).toEqual({ kind: 'not_found', who: 'from' });
    expect(await service.propose({ actor: p.manager, from, to: { id: p.gone.id } })).toMatchObject({
      kind: 'invalid_target',
      why: 'inactive',
    });
    expect(await service.propose({ actor: p.manager, from, to: { id: p.westRep.id } })).toMatchObject({
      kind: 'invalid_target',
      why: 'out_of_scope',
    });
    expect(await service.propose({ actor: p.manager, from, to: { id: p.a.id } })).toMatchObject({
      kind: 'invalid_target',
      why: 'same_owner',
    });
    expect(await service.propose({ actor: p.manager, from, to: { id: p.outsider.id } })).toEqual({ kind: 'not_found', who: 'to' });
    // An admin may hand over anyone in the workspace.
    const byAdmin = await service.propose({ actor: p.admin, from, to: { id: p.westRep.id } });
    expect(byAdmin.kind).toBe('proposed');
    if (byAdmin.kind !== 'proposed') return;
    // Someone else's click on the admin's card: refused, still proposed.
    expect(await service.confirm({ actor: p.manager, handoverId: byAdmin.handoverId, deactivate: true, source: 'card' })).toMatchObject({
      kind: 'not_requester',
      requestedBy: { id: p.admin.id },
    });
    expect(await service.confirm({ actor: p.outsider, handoverId: byAdmin.handoverId, deactivate: false, source: 'card' })).toEqual({
      kind: 'not_found',
    });
    expect(await handoverRow(byAdmin.handoverId)).toMatchObject({ status: 'proposed' });
    expect(await service.runDue({ outbound })).toMatchObject({ started: 0 });
    expect(new Set(await ownersOf(ids))).toEqual(new Set([p.a.id]));
    expect(await handle.db.select().from(assignments).where(inArray(assignments.customerId, ids))).toEqual([]);
  });

  it('a double confirm starts one run; a click after it is done says so; B deactivated meanwhile refuses the confirmation', async () => {
    const ids = await f.book(p.a, 20);
    const proposed = await service.propose({ actor: p.manager, from: { platformUserId: p.a.platformUserId }, to: { id: p.b.id } });
    if (proposed.kind !== 'proposed') throw new Error(proposed.kind);
    const clicks = await Promise.all([
      service.confirm({ actor: p.manager, handoverId: proposed.handoverId, deactivate: false, source: 'card' }),
      service.confirm({ actor: p.manager, handoverId: proposed.handoverId, deactivate: true, source: 'card' }),
    ]);
    expect(clicks.map((c) => c.kind).sort()).toEqual(['already', 'confirmed']);
    await service.runDue({ outbound });
    await expectMovedOnce(ids, p.b.id);
    expect(await service.confirm({ actor: p.manager, handoverId: proposed.handoverId, deactivate: true, source: 'card' })).toMatchObject({
      kind: 'already',
      status: 'done',
      moved: 20,
    });

    const more = await f.book(p.c, 3);
    const second = await service.propose({ actor: p.manager, from: { platformUserId: p.c.platformUserId }, to: { id: p.d.id } });
    if (second.kind !== 'proposed') throw new Error(second.kind);
    await handle.db.update(users).set({ active: false }).where(eq(users.id, p.d.id));
    expect(await service.confirm({ actor: p.manager, handoverId: second.handoverId, deactivate: false, source: 'card' })).toMatchObject({
      kind: 'invalid_target',
      why: 'inactive',
    });
    expect(new Set(await ownersOf(more))).toEqual(new Set([p.c.id]));
  });

  it('with 停用, A is deactivated (and audited) in the transaction that finishes; a B deactivated mid-run stops it', async () => {
    const ids = await f.book(p.a, 30);
    const proposed = await confirmed(p.a, p.b, true);
    const finished: HandoverOutcome[] = [];
    await service.runDue({ outbound: (o) => (finished.push(o), []) });
    await expectMovedOnce(ids, p.b.id);
    expect(finished[0]).toMatchObject({ status: 'done', moved: 30, deactivated: true, movedTo: [{ user: { id: p.b.id }, count: 30 }] });
    const [a] = await handle.db.select().from(users).where(eq(users.id, p.a.id));
    expect(a?.active).toBe(false);
    const [audit] = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'user.deactivate'), eq(auditLog.subjectId, String(p.a.id))));
    expect(audit).toMatchObject({ actor: p.manager.ref, source: `handover:${proposed.handoverId}`, after: { active: false } });

    // C's handover to D: D leaves after the first batch; the rest stays with C, and the manager is told.
    const cIds = await f.book(p.c, 700);
    const toD = await confirmed(p.c, p.d);
    const lease = await service.claim(toD.handoverId);
    const batch = await service.runBatch(toD.handoverId, lease!);
    expect(batch).toMatchObject({ kind: 'moved', count: 500 });
    await handle.db.update(users).set({ active: false }).where(eq(users.id, p.d.id));
    if (batch.kind !== 'moved') return;
    const end = await service.run(toD.handoverId, batch.lease, {});
    expect(end.outcome).toMatchObject({ status: 'cancelled', stoppedBecause: 'target_inactive', moved: 500, deactivated: false });
    expect((await ownersOf(cIds)).filter((o) => o === p.c.id)).toHaveLength(200);
  });
});
