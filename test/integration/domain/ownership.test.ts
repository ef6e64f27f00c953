import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../../src/db/client.js';
import { assignments, auditLog, customers, followUps, reminders, teams, transferRequests, users } from '../../../src/db/schema/index.js';
import { createFollowUpsService } from '../../../src/domain/follow-ups/follow-ups-service.js';
import { createOwnershipService } from '../../../src/domain/ownership/ownership-service.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { draftFor, NOW } from '../../helpers/factories.js';

/**
 * Who owns a customer, and every way that changes, against the real database: each path checks
 * the operator, the card's expectation and the target, and two clicks at once apply once.
 */
describe('ownership', () => {
  const testDb = useTestDatabase();
  let handle: DbHandle;
  const clock = fixedClock(NOW);
  const pool = { maxClaimsPerDay: 2, reclaimCooldownDays: 7 };
  let service: ReturnType<typeof createOwnershipService>;
  let followUpsService: ReturnType<typeof createFollowUpsService>;
  let w: number;
  let people: Record<'rep' | 'rep2' | 'manager' | 'otherManager' | 'admin' | 'gone' | 'outsider', UserRecord>;

  beforeAll(() => {
    handle = createDb(testDb.url, 20);
    service = createOwnershipService({ db: handle.db, clock, pool, timeZone: 'Asia/Shanghai' });
    followUpsService = createFollowUpsService({ db: handle.db, clock });
  });
  afterAll(() => handle.close());

  async function user(workspaceId: number, role: UserRecord['role'], teamId: number | null, active = true): Promise<UserRecord> {
    const platformUserId = uniqueId('ou');
    const [r] = await handle.db
      .insert(users)
      .values({ workspaceId, platformUserId, name: platformUserId, role, teamId, active, createdAt: NOW, updatedAt: NOW });
    return {
      id: r.insertId,
      ref: `feishu:${platformUserId}`,
      workspaceId,
      platformUserId,
      name: platformUserId,
      role,
      teamId,
      managerUserId: null,
      locale: null,
      active,
    };
  }
  async function team(workspaceId: number, key: string) {
    const [r] = await handle.db.insert(teams).values({ workspaceId, key, name: key, createdAt: NOW, updatedAt: NOW });
    return r.insertId;
  }
  async function customer(ownerUserId: number | null, teamId: number | null, name = uniqueId('客户')) {
    const [r] = await handle.db.insert(customers).values({
      workspaceId: w,
      name,
      normalizedName: name,
      tags: [],
      ownerUserId,
      teamId,
      stage: 'quote',
      amount: 300000,
      createdAt: NOW,
      updatedAt: NOW,
    });
    return r.insertId;
  }
  const ownerOf = async (id: number) => (await handle.db.select().from(customers).where(eq(customers.id, id)))[0]?.ownerUserId;

  beforeEach(async () => {
    clock.set(NOW);
    w = await createTestWorkspace(handle);
    const east = await team(w, 'east');
    const west = await team(w, 'west');
    const other = await createTestWorkspace(handle);
    people = {
      rep: await user(w, 'rep', east),
      rep2: await user(w, 'rep', east),
      manager: await user(w, 'manager', east),
      otherManager: await user(w, 'manager', west),
      admin: await user(w, 'admin', null),
      gone: await user(w, 'rep', east, false),
      outsider: await user(other, 'admin', null),
    };
  });

  it('a manager reassigns in one transaction: owner, open reminders, assignments and audit', async () => {
    const c = await customer(people.rep.id, null);
    await handle.db.insert(reminders).values({
      workspaceId: w,
      customerId: c,
      userId: people.rep.id,
      kind: 'due',
      dueDate: '2026-11-25',
      dueAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
    });
    const moved = await service.reassign({
      actor: people.manager,
      customerId: c,
      to: { platformUserId: people.rep2.platformUserId },
      expectedOwnerId: people.rep.id,
      source: 'card',
    });
    expect(moved).toMatchObject({
      kind: 'moved',
      from: { id: people.rep.id },
      to: { id: people.rep2.id },
      customer: { ownerUserId: people.rep2.id },
    });
    expect(await ownerOf(c)).toBe(people.rep2.id);
    const [reminder] = await handle.db.select().from(reminders).where(eq(reminders.customerId, c));
    expect(reminder?.userId).toBe(people.rep2.id);
    expect(await handle.db.select().from(assignments).where(eq(assignments.customerId, c))).toEqual([
      expect.objectContaining({ fromUserId: people.rep.id, toUserId: people.rep2.id, reason: 'reassign', actorUserId: people.manager.id }),
    ]);
    const [audit] = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'customer'), eq(auditLog.subjectId, String(c))));
    expect(audit).toMatchObject({
      actor: people.manager.ref,
      action: 'customer.reassign',
      before: { ownerUserId: people.rep.id },
      after: { ownerUserId: people.rep2.id },
      source: 'card',
    });
  });

  it('refuses a rep, another team’s manager, another workspace, an inactive or out-of-scope target, and a stale card, changing nothing', async () => {
    const c = await customer(people.rep.id, null);
    const to = { id: people.rep2.id };
    expect((await service.reassign({ actor: people.rep, customerId: c, to, source: 'card' })).kind).toBe('forbidden');
    expect((await service.reassign({ actor: people.otherManager, customerId: c, to, source: 'card' })).kind).toBe('forbidden');
    expect((await service.reassign({ actor: people.outsider, customerId: c, to, source: 'card' })).kind).toBe('not_found');
    expect(await service.reassign({ actor: people.manager, customerId: c, to: { id: people.gone.id }, source: 'card' })).toEqual({
      kind: 'invalid_target',
      why: 'inactive',
    });
    expect(await service.reassign({ actor: people.manager, customerId: c, to: { id: people.otherManager.id }, source: 'card' })).toEqual({
      kind: 'invalid_target',
      why: 'out_of_scope',
    });
    expect(await service.reassign({ actor: people.manager, customerId: c, to: { id: people.outsider.id }, source: 'card' })).toEqual({
      kind: 'invalid_target',
      why: 'not_found',
    });
    expect(
      (await service.reassign({ actor: people.manager, customerId: c, to, expectedOwnerId: people.rep2.id, source: 'card' })).kind,
    ).toBe('stale');
    expect(await ownerOf(c)).toBe(people.rep.id);
    expect(await handle.db.select().from(assignments).where(eq(assignments.customerId, c))).toEqual([]);
  });

  it('two managers clicking at once: exactly one wins, the other is told the customer already moved', async () => {
    const c = await customer(people.rep.id, null);
    const results = await Promise.all([
      service.reassign({
        actor: people.manager,
        customerId: c,
        to: { id: people.rep2.id },
        expectedOwnerId: people.rep.id,
        source: 'card',
      }),
      service.reassign({
        actor: people.admin,
        customerId: c,
        to: { id: people.manager.id },
        expectedOwnerId: people.rep.id,
        source: 'card',
      }),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['moved', 'stale']);
    expect(await handle.db.select().from(assignments).where(eq(assignments.customerId, c))).toHaveLength(1);
  });

  it('a pool claim is atomic: of four at once one wins; the daily limit and the re-claim cooldown hold', async () => {
    const c = await customer(null, null);
    // rep2 stays out of the race: the daily limit below is counted for them.
    const racers = [people.rep, people.manager, people.otherManager, people.admin];
    const results = await Promise.all(racers.map((actor) => service.claim({ actor, customerId: c, source: 'card' })));
    expect(results.filter((r) => r.kind === 'moved')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'stale')).toHaveLength(3);

    const [a, b, third] = [await customer(null, null), await customer(null, null), await customer(null, null)];
    expect((await service.claim({ actor: people.rep2, customerId: a!, source: 'card' })).kind).toBe('moved');
    expect((await service.claim({ actor: people.rep2, customerId: b!, source: 'card' })).kind).toBe('moved');
    expect(await service.claim({ actor: people.rep2, customerId: third!, source: 'card' })).toEqual({ kind: 'limit_reached', limit: 2 });
    expect((await service.release({ actor: people.rep2, customerId: a!, reason: '不合适', source: 'command' })).kind).toBe('moved');
    clock.advance(24 * 3600_000); // a new local day: the limit is reset, the cooldown is not over
    expect((await service.claim({ actor: people.rep2, customerId: a!, source: 'card' })).kind).toBe('cooldown');
    clock.advance(7 * 24 * 3600_000);
    expect((await service.claim({ actor: people.rep2, customerId: a!, source: 'card' })).kind).toBe('moved');
    expect((await service.claim({ actor: people.gone, customerId: third!, source: 'card' })).kind).toBe('forbidden');
  });

  it('a rep asks, a manager decides once; approving a customer that moved since changes nothing', async () => {
    const c = await customer(people.rep.id, null);
    const asked = await service.requestTransfer({ actor: people.rep, customerId: c, to: { id: people.rep2.id } });
    expect(asked).toMatchObject({ kind: 'requested', approvers: [{ id: people.manager.id }] });
    if (asked.kind !== 'requested') return;
    expect((await service.decideTransfer({ actor: people.rep2, requestId: asked.requestId, approve: true, source: 'card' })).kind).toBe(
      'forbidden',
    );
    const decided = await Promise.all([
      service.decideTransfer({ actor: people.manager, requestId: asked.requestId, approve: true, source: 'card' }),
      // The same button pressed twice: one applies, the other is told it was decided.
      service.decideTransfer({ actor: people.admin, requestId: asked.requestId, approve: true, source: 'card' }),
    ]);
    expect(decided.map((d) => d.kind).sort()).toEqual(['already_decided', 'approved']);
    expect(await ownerOf(c)).toBe(people.rep2.id);

    const again = await service.requestTransfer({ actor: people.rep2, customerId: c, to: { id: people.rep.id } });
    if (again.kind !== 'requested') throw new Error('expected a request');
    await service.reassign({ actor: people.admin, customerId: c, to: { id: people.manager.id }, source: 'card' });
    expect((await service.decideTransfer({ actor: people.manager, requestId: again.requestId, approve: true, source: 'card' })).kind).toBe(
      'stale',
    );
    const [request] = await handle.db.select().from(transferRequests).where(eq(transferRequests.id, again.requestId));
    expect(request?.status).toBe('cancelled');
    expect(await ownerOf(c)).toBe(people.manager.id);
  });

  it('a rep’s note on a colleague’s customer changes nothing until they keep it as a collaboration, which still changes nothing', async () => {
    const c = await customer(people.rep.id, null, '北辰物流');
    const text = '今天拜访北辰物流赵总,已经签约,金额80万';
    const result = await followUpsService.recordNote({
      workspaceId: w,
      author: people.rep2,
      text,
      sourceMessageId: uniqueId('om'),
      occurredAt: NOW,
      draft: draftFor(text),
    });
    expect(result).toMatchObject({ kind: 'owned_by_other', owner: { id: people.rep.id }, followUp: { status: 'draft', customerId: c } });
    const before = (await handle.db.select().from(customers).where(eq(customers.id, c)))[0];
    expect(before).toMatchObject({ stage: 'quote', amount: 300000 });
    if (result.kind !== 'owned_by_other') return;
    const kept = await followUpsService.recordAsCollaboration({ workspaceId: w, actor: people.rep2, followUpId: result.followUp.id });
    expect(kept).toMatchObject({ kind: 'saved', followUp: { status: 'confirmed', collaboration: true }, owner: { id: people.rep.id } });
    expect((await handle.db.select().from(customers).where(eq(customers.id, c)))[0]).toMatchObject({
      stage: 'quote',
      amount: 300000,
      lastFollowUpAt: before?.lastFollowUpAt ?? null,
    });
    // Its undo leaves the customer alone too; the owner's own note still applies.
    await followUpsService.undo({ workspaceId: w, actor: people.rep2, followUpId: result.followUp.id });
    expect((await handle.db.select().from(customers).where(eq(customers.id, c)))[0]).toMatchObject({ stage: 'quote', amount: 300000 });
    const own = await followUpsService.recordNote({
      workspaceId: w,
      author: people.rep,
      text,
      sourceMessageId: uniqueId('om'),
      occurredAt: NOW,
      draft: draftFor(text),
    });
    expect(own).toMatchObject({ kind: 'saved', customer: { stage: 'won', amount: 800000 } });
    // The manager's note on their rep's customer applies as well.
    const managerNote = '北辰物流赵总说预算调整到90万';
    const byManager = await followUpsService.recordNote({
      workspaceId: w,
      author: people.manager,
      text: managerNote,
      sourceMessageId: uniqueId('om'),
      occurredAt: NOW,
      draft: draftFor(managerNote),
    });
    expect(byManager).toMatchObject({ kind: 'saved', customer: { amount: 900000 } });
    expect(
      await handle.db
        .select()
        .from(followUps)
        .where(and(eq(followUps.customerId, c), eq(followUps.collaboration, true))),
    ).toHaveLength(1);
  });
});
