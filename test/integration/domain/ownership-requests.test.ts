import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../../src/db/client.js';
import { outbox, transferRequests } from '../../../src/db/schema/index.js';
import { searchCustomers } from '../../../src/domain/customers/customers-repo.js';
import { createOwnershipService } from '../../../src/domain/ownership/ownership-service.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { NOW } from '../../helpers/factories.js';
import { seedOwnershipWorkspace, type SeededPerson } from '../../helpers/ownership-seed.js';

/** requestTransfer for oneself (申请转交 on a colleague's customer), repeated requests, and /查's wildcards. */
describe('ownership requests and search', () => {
  const testDb = useTestDatabase();
  let handle: DbHandle;
  let service: ReturnType<typeof createOwnershipService>;
  let w: Awaited<ReturnType<typeof seedOwnershipWorkspace>>;
  beforeAll(() => {
    handle = createDb(testDb.url, 10);
    service = createOwnershipService({
      db: handle.db,
      clock: fixedClock(NOW),
      pool: { maxClaimsPerDay: 5, reclaimCooldownDays: 7 },
      timeZone: 'Asia/Shanghai',
    });
  });
  afterAll(() => handle.close());
  beforeEach(async () => {
    w = await seedOwnershipWorkspace(handle, 'feishu', uniqueId('tenant'));
  });
  const actor = (p: SeededPerson, role: UserRecord['role'] = 'rep', teamId: number | null = w.east): UserRecord => ({
    id: p.id,
    ref: `feishu:${p.platformUserId}`,
    workspaceId: w.workspaceId,
    platformUserId: p.platformUserId,
    name: p.name,
    role,
    teamId,
    managerUserId: null,
    locale: null,
    active: true,
  });

  it('a colleague may ask for a customer to come to themselves only; the owner’s approvers decide; asking twice adds nothing', async () => {
    const { rep, rep2, manager, otherManager } = w.people;
    const c = await w.customer('北辰物流', rep);
    const other = actor(otherManager, 'manager', w.west);
    expect((await service.requestTransfer({ actor: actor(rep2), customerId: c, to: { id: manager.id } })).kind).toBe('forbidden');
    const asked = await service.requestTransfer({
      actor: other,
      customerId: c,
      to: { id: otherManager.id },
      outbound: (r) => [
        {
          target: `feishu:user:${r.approvers[0]!.platformUserId}`,
          dedupeKey: `t:${r.requestId}`,
          payload: { kind: 'send', to: { platform: 'feishu', kind: 'user', id: 'x' }, message: { kind: 'text', text: 'x' } },
        },
      ],
    });
    expect(asked).toMatchObject({ kind: 'requested', to: { id: otherManager.id }, approvers: [{ id: manager.id }] });
    if (asked.kind !== 'requested') return;
    // The card to the approver was written in the request's own transaction.
    expect(
      await handle.db
        .select()
        .from(outbox)
        .where(eq(outbox.dedupeKey, `t:${asked.requestId}`)),
    ).toHaveLength(1);
    expect(await service.requestTransfer({ actor: other, customerId: c, to: { id: otherManager.id } })).toMatchObject({
      kind: 'already_requested',
      requestId: asked.requestId,
    });
    expect(await handle.db.select().from(transferRequests).where(eq(transferRequests.customerId, c))).toHaveLength(1);
    // A pool customer is claimed, not requested.
    const pooled = await w.customer('公海客户', null);
    expect((await service.requestTransfer({ actor: actor(rep2), customerId: pooled, to: { id: rep2.id } })).kind).toBe('forbidden');
  });

  it('wildcards and punctuation-only queries match nothing; a real query still finds by part of the name', async () => {
    await w.customer('华信银行', w.people.rep);
    await w.customer('100%_纯净水', w.people.rep);
    for (const q of ['%', '_', '%%', '_%_', '*', '。', ' ']) expect(await searchCustomers(handle.db, w.workspaceId, q)).toEqual([]);
    expect((await searchCustomers(handle.db, w.workspaceId, '华信')).map((c) => c.name)).toEqual(['华信银行']);
    expect((await searchCustomers(handle.db, w.workspaceId, '100%')).map((c) => c.name)).toEqual(['100%_纯净水']);
  });
});
