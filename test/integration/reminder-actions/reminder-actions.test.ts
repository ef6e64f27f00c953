import { and, eq, like } from 'drizzle-orm';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../../src/db/client.js';
import { assignments, auditLog, customers, followUps, notePrompts, reminders, transferRequests } from '../../../src/db/schema/index.js';
import { createFollowUpsService } from '../../../src/domain/follow-ups/follow-ups-service.js';
import { createOwnershipService } from '../../../src/domain/ownership/ownership-service.js';
import { CardSpentMeanwhile, createReminderActionsService } from '../../../src/domain/reminder-actions/reminder-actions-service.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { draftFor, NOW } from '../../helpers/factories.js';
import { seedReminderWorkspace } from './reminder-seed.js';
import { holdCustomerLock } from './row-lock.js';
import { createObservedDb } from '../domain/count-statements.js';

const TZ = 'Asia/Shanghai';
const NEXT = new Date('2026-11-24T07:00:00Z'); // 11月24日 15:00, overdue by a day at NOW
const LAST = new Date('2026-11-17T02:00:00Z');

/**
 * What the reminder card's buttons do, against the real database: one transaction per click that
 * locks the customer, checks the operator and the card, changes it and marks the reminder; a spent
 * card says who spent it; two clicks at once act once.
 */
describe('reminder actions', () => {
  const testDb = useTestDatabase();
  let handle: DbHandle;
  const clock = fixedClock(NOW);
  let service: ReturnType<typeof createReminderActionsService>;
  let followUpsService: ReturnType<typeof createFollowUpsService>;
  let ownership: ReturnType<typeof createOwnershipService>;
  let w: Awaited<ReturnType<typeof seedReminderWorkspace>>;

  beforeAll(() => {
    handle = createDb(testDb.url, 20);
    followUpsService = createFollowUpsService({ db: handle.db, clock });
    service = createReminderActionsService({ db: handle.db, clock, followUps: followUpsService, defaultHour: 9 });
    ownership = createOwnershipService({ db: handle.db, clock, pool: { maxClaimsPerDay: 2, reclaimCooldownDays: 7 }, timeZone: TZ });
  });
  afterAll(() => handle.close());
  beforeEach(async () => {
    clock.set(NOW);
    w = await seedReminderWorkspace(handle);
  });

  const customerRow = async (id: number) => (await handle.db.select().from(customers).where(eq(customers.id, id)))[0]!;
  const reminderRow = async (id: number) => (await handle.db.select().from(reminders).where(eq(reminders.id, id)))[0]!;
  const notesOf = async (customerId: number) => handle.db.select().from(followUps).where(eq(followUps.customerId, customerId));
  const note = (actor: UserRecord, ref: Parameters<typeof service.logNote>[0]['ref'], text: string, sourceId = uniqueId('evt')) =>
    service.logNote({ actor, ref, text, draft: draftFor(text), sourceId, occurredAt: clock.now() });
  async function dueCustomer(name = uniqueId('北辰物流')) {
    const c = await w.customer(name, w.people.rep, { nextFollowUpAt: NEXT, lastFollowUpAt: LAST });
    const r = await w.reminder(c, w.people.rep, { subjectAt: NEXT });
    return { c, r, ref: { customerId: c, reminderId: r, nextAt: NEXT, lastAt: LAST } };
  }

  it('已跟进 logs the note against the card’s customer even when the text names another, and marks the reminder done', async () => {
    const other = await w.customer('华信银行', w.people.rep);
    const { c, r, ref } = await dueCustomer();
    const result = await note(w.people.rep, ref, '今天拜访华信银行张行长,报价50万,下周三再联系');
    expect(result.kind).toBe('saved');
    const [saved] = await notesOf(c);
    expect(saved).toMatchObject({ status: 'confirmed', authorUserId: w.people.rep.id, amount: 500000 });
    expect(await notesOf(other)).toEqual([]);
    const customer = await customerRow(c);
    expect(customer.amount).toBe(500000);
    expect(customer.lastFollowUpAt).toEqual(NOW);
    expect(customer.nextFollowUpAt).toEqual(new Date('2026-12-02T01:00:00Z'));
    expect(await reminderRow(r)).toMatchObject({ status: 'done', action: 'note', actedByUserId: w.people.rep.id, actedAt: NOW });
    const audit = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, w.workspaceId), eq(auditLog.actor, w.people.rep.ref)));
    expect(audit.map((a) => a.action).sort()).toEqual(['customer.update', 'follow_up.create', 'reminder.note']);

    // The undo snapshot was taken as for any note: undo puts the amount and next date back.
    const undone = await followUpsService.undo({ workspaceId: w.workspaceId, actor: w.people.rep, followUpId: saved!.id });
    expect(undone.kind).toBe('undone');
    expect(await customerRow(c)).toMatchObject({ amount: null, nextFollowUpAt: NEXT });
  });

  it('a second click on the spent card (another person, a later moment) changes nothing and says who did it when', async () => {
    const { c, ref } = await dueCustomer();
    expect((await note(w.people.rep, ref, '电话沟通了需求')).kind).toBe('saved');
    clock.advance(60_000);
    const again = await note(w.people.manager, ref, '我也跟进了一下');
    expect(again).toEqual({
      kind: 'spent',
      acted: { action: 'note', status: 'done', by: '张三', at: NOW, until: null, toName: null },
    });
    expect(await notesOf(c)).toHaveLength(1);
    // The same click delivered twice (same event id) finds its own note.
    const source = uniqueId('evt');
    const { ref: ref2, c: c2 } = await dueCustomer();
    await note(w.people.rep, ref2, '上门拜访', source);
    expect((await note(w.people.rep, ref2, '上门拜访', source)).kind).toBe('spent');
    expect(await notesOf(c2)).toHaveLength(1);
  });

  it('only the owner, a manager over the owner or an admin may act; a colleague or another team’s manager changes nothing', async () => {
    const { c, r, ref } = await dueCustomer();
    for (const outsider of [w.people.rep2, w.people.otherManager]) {
      expect((await note(outsider, ref, '电话沟通')).kind).toBe('forbidden');
      expect((await service.postpone({ actor: outsider, ref, to: { days: 1 }, timeZone: TZ })).kind).toBe('forbidden');
      expect((await service.askNote({ actor: outsider, ref })).kind).toBe('forbidden');
      expect((await service.checkTransfer({ actor: outsider, ref })).kind).toBe('forbidden');
    }
    expect(await notesOf(c)).toEqual([]);
    expect(await reminderRow(r)).toMatchObject({ status: 'sent', action: null });
    expect(await handle.db.select().from(notePrompts).where(eq(notePrompts.workspaceId, w.workspaceId))).toEqual([]);
    expect((await note(w.people.manager, ref, '经理电话跟进')).kind).toBe('saved');
    const { ref: ref2 } = await dueCustomer();
    expect((await service.postpone({ actor: w.people.admin, ref: ref2, to: { days: 7 }, timeZone: TZ })).kind).toBe('postponed');
  });

  it('two clicks at once on one card (note and note, note and postpone) act once; the loser hears who won', async () => {
    for (let round = 0; round < 4; round++) {
      const { c, r, ref } = await dueCustomer();
      const [a, b] = await Promise.all([
        note(w.people.rep, ref, '电话沟通,下周一再联系'),
        round % 2 === 0
          ? note(w.people.manager, ref, '经理也打了电话')
          : service.postpone({ actor: w.people.manager, ref, to: { days: 1 }, timeZone: TZ }),
      ]);
      const kinds = [a.kind, b.kind].sort();
      expect(kinds).toHaveLength(2);
      expect(kinds.filter((k) => k === 'spent')).toHaveLength(1);
      const row = await reminderRow(r);
      const winner = a.kind === 'spent' ? b : a;
      const loser = a.kind === 'spent' ? a : b;
      expect(loser).toMatchObject({ kind: 'spent', acted: { action: row.action, by: winner === a ? '张三' : '王经理' } });
      expect(await notesOf(c)).toHaveLength(row.action === 'note' ? 1 : 0);
    }
  });

  it('two clicks queued on the customer’s lock in a chosen order: the first queued wins, whoever and whatever it is', async () => {
    const orders = [
      { first: 'manager-note', second: 'rep-postpone' },
      { first: 'rep-postpone', second: 'manager-note' },
    ] as const;
    for (const order of orders) {
      const { c, r, ref } = await dueCustomer();
      const click = (which: 'manager-note' | 'rep-postpone') =>
        which === 'manager-note'
          ? note(w.people.manager, ref, '经理电话跟进,下周一再联系')
          : service.postpone({ actor: w.people.rep, ref, to: { days: 7 }, timeZone: TZ });
      const lock = await holdCustomerLock(testDb.url, c);
      const first = click(order.first);
      await lock.waiters(1);
      const second = click(order.second);
      await lock.waiters(2);
      await lock.release();
      const [won, lost] = await Promise.all([first, second]);
      const row = await reminderRow(r);
      if (order.first === 'manager-note') {
        expect(won.kind).toBe('saved');
        expect(row).toMatchObject({ status: 'done', action: 'note', actedByUserId: w.people.manager.id });
        expect(lost).toMatchObject({ kind: 'spent', acted: { action: 'note', by: '王经理' } });
        expect(await notesOf(c)).toHaveLength(1);
      } else {
        expect(won.kind).toBe('postponed');
        expect(row).toMatchObject({ status: 'snoozed', action: 'postpone_7d', actedByUserId: w.people.rep.id });
        expect(lost).toMatchObject({ kind: 'spent', acted: { action: 'postpone_7d', by: '张三' } });
        expect(await notesOf(c)).toEqual([]);
      }
    }
  });

  it('on /我的 (no reminder) the card is current while the customer’s next and last times are those it showed', async () => {
    const c = await w.customer(uniqueId('远航科技'), w.people.rep, { nextFollowUpAt: NEXT, lastFollowUpAt: LAST });
    const open = await w.reminder(c, w.people.rep, { kind: 'quiet', subjectAt: LAST });
    const stale = { customerId: c, reminderId: null, nextAt: NEXT, lastAt: new Date(LAST.getTime() - 1000) };
    expect(await note(w.people.rep, stale, '电话沟通')).toEqual({ kind: 'spent', acted: null });
    const ref = { ...stale, lastAt: LAST };
    expect((await service.postpone({ actor: w.people.rep, ref, to: { days: 1 }, timeZone: TZ })).kind).toBe('postponed');
    // The customer's open reminder is answered by the same action, so its card is spent too.
    expect(await reminderRow(open)).toMatchObject({ status: 'snoozed', action: 'postpone_1d', actedByUserId: w.people.rep.id });
    const again = await note(w.people.rep, ref, '电话沟通');
    expect(again).toMatchObject({ kind: 'spent', acted: { action: 'postpone_1d', by: '张三' } });
  });

  it('推迟 keeps the planned time of day (the default hour without one); 改期 refuses a past date and takes today', async () => {
    const { c, r, ref } = await dueCustomer();
    const tomorrow = await service.postpone({ actor: w.people.rep, ref, to: { days: 1 }, timeZone: TZ });
    // NOW is 11月25日 10:00 in Shanghai; the card's next time was 15:00.
    expect(tomorrow).toMatchObject({ kind: 'postponed', until: new Date('2026-11-26T07:00:00Z') });
    expect((await customerRow(c)).nextFollowUpAt).toEqual(new Date('2026-11-26T07:00:00Z'));
    expect(await reminderRow(r)).toMatchObject({
      status: 'snoozed',
      action: 'postpone_1d',
      snoozedUntil: new Date('2026-11-26T07:00:00Z'),
      actedByUserId: w.people.rep.id,
    });
    const [audit] = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, String(c)), like(auditLog.action, 'reminder.%')));
    expect(audit).toMatchObject({ action: 'reminder.postpone_1d', source: 'card', actor: w.people.rep.ref });
    expect(audit?.after).toMatchObject({ reminderId: r, nextFollowUpAt: '2026-11-26T07:00:00.000Z' });

    const quiet = await w.customer(uniqueId('启明星'), w.people.rep, { lastFollowUpAt: LAST });
    const qr = await w.reminder(quiet, w.people.rep, { kind: 'quiet', subjectAt: LAST });
    const qref = { customerId: quiet, reminderId: qr, nextAt: null, lastAt: LAST };
    expect(await service.postpone({ actor: w.people.rep, ref: qref, to: { date: '2026-11-24' }, timeZone: TZ })).toEqual({
      kind: 'past_date',
    });
    expect(await service.postpone({ actor: w.people.rep, ref: qref, to: { date: '2026-02-30' }, timeZone: TZ })).toEqual({
      kind: 'bad_date',
    });
    expect((await reminderRow(qr)).status).toBe('sent');
    // A quiet customer gets a next date: the scan reminds again on that day, at the default hour.
    const week = await service.postpone({ actor: w.people.rep, ref: qref, to: { days: 7 }, timeZone: TZ });
    expect(week).toMatchObject({ kind: 'postponed', until: new Date('2026-12-02T01:00:00Z') });
    const { ref: ref3 } = await dueCustomer();
    expect(await service.postpone({ actor: w.people.rep, ref: ref3, to: { date: '2026-11-25' }, timeZone: TZ })).toMatchObject({
      kind: 'postponed',
      until: new Date('2026-11-25T07:00:00Z'),
    });
  });

  it('asking for the note by message: one prompt per user, the newest wins, it expires; the prompted note marks the reminder done', async () => {
    const first = await dueCustomer();
    const second = await dueCustomer();
    expect(await service.askNote({ actor: w.people.rep, ref: first.ref })).toEqual({
      kind: 'asked',
      expiresAt: new Date(NOW.getTime() + 30 * 60_000),
    });
    clock.advance(60_000);
    await service.askNote({ actor: w.people.rep, ref: second.ref });
    const prompts = await handle.db.select().from(notePrompts).where(eq(notePrompts.userId, w.people.rep.id));
    expect(prompts).toEqual([expect.objectContaining({ customerId: second.c, reminderId: second.r })]);
    const prompt = await service.promptFor(w.people.rep);
    expect(prompt?.customerId).toBe(second.c);

    const text = '给北辰物流打了电话,对方要再考虑';
    const input = { actor: w.people.rep, prompt: prompt!, text, draft: draftFor(text), occurredAt: clock.now() };
    const logged = await service.logPromptedNote({ ...input, sourceId: uniqueId('om') });
    expect(logged.kind).toBe('saved');
    expect(await notesOf(second.c)).toHaveLength(1);
    expect(await notesOf(first.c)).toEqual([]);
    expect(await reminderRow(second.r)).toMatchObject({ status: 'done', action: 'note' });
    expect(await service.promptFor(w.people.rep)).toBeNull();
    // Taken once: the same prompt cannot log a second message.
    expect((await service.logPromptedNote({ ...input, sourceId: uniqueId('om') })).kind).toBe('fallback');

    await service.askNote({ actor: w.people.rep, ref: first.ref });
    clock.advance(30 * 60_000);
    expect(await service.promptFor(w.people.rep)).toBeNull();
  });

  it('looking for a prompt costs one statement on the unique (workspace, user) key, found or not', async () => {
    const observed = createObservedDb(testDb.url);
    try {
      const watched = createReminderActionsService({ db: observed.db, clock, followUps: followUpsService, defaultHour: 9 });
      for (const prompted of [false, true]) {
        if (prompted) await service.askNote({ actor: w.people.rep, ref: (await dueCustomer()).ref });
        observed.reset();
        expect(Boolean(await watched.promptFor(w.people.rep))).toBe(prompted);
        expect(observed.statements()).toHaveLength(1);
        const [call] = observed.calls();
        const [plan] = await observed.pool.query<RowDataPacket[]>(`EXPLAIN ${call!.sql}`, call!.params);
        // A const lookup on the unique key: the row itself, or none found while reading it.
        if (prompted) expect(plan[0]).toMatchObject({ table: 'note_prompts', type: 'const', key: 'note_prompts_workspace_user_uq' });
        else expect(plan[0]).toMatchObject({ Extra: 'Impossible WHERE noticed after reading const tables' });
      }
    } finally {
      await observed.pool.end();
    }
  });

  it('any confirmed follow-up answers the customer’s open due and quiet reminders (action note)', async () => {
    const name = '海岳集团';
    const { c, r } = await dueCustomer(name);
    const result = await followUpsService.recordNote({
      workspaceId: w.workspaceId,
      author: w.people.rep,
      text: `拜访${name}`,
      sourceMessageId: uniqueId('om'),
      occurredAt: clock.now(),
      draft: draftFor(`拜访${name}`, { customer: name }),
    });
    expect(result).toMatchObject({ kind: 'saved', customer: { id: c } });
    expect(await reminderRow(r)).toMatchObject({ status: 'done', action: 'note', actedByUserId: w.people.rep.id });
  });

  it('转交 moves the customer and spends the card in one transaction: once, as transfer or transfer_request', async () => {
    const { c, r, ref } = await dueCustomer();
    expect((await service.checkTransfer({ actor: w.people.manager, ref })).kind).toBe('ok');
    const moved = await ownership.reassign({
      actor: w.people.manager,
      customerId: c,
      to: { id: w.people.rep2.id },
      source: 'card',
      within: service.spendOnTransfer({ actor: w.people.manager, ref, action: 'transfer' }),
    });
    expect(moved.kind).toBe('moved');
    expect(await reminderRow(r)).toMatchObject({ status: 'done', action: 'transfer', actedByUserId: w.people.manager.id });
    expect((await customerRow(c)).ownerUserId).toBe(w.people.rep2.id);
    expect(await service.checkTransfer({ actor: w.people.rep2, ref })).toMatchObject({
      kind: 'spent',
      acted: { action: 'transfer', by: '王经理', toName: '李四' },
    });
    // A click on the spent card that got past the check: its request is rolled back with it.
    const request = ownership.requestTransfer({
      actor: w.people.rep2,
      customerId: c,
      to: { id: w.people.rep.id },
      within: service.spendOnTransfer({ actor: w.people.rep2, ref, action: 'transfer_request' }),
    });
    await expect(request).rejects.toBeInstanceOf(CardSpentMeanwhile);
    expect(await handle.db.select().from(transferRequests).where(eq(transferRequests.customerId, c))).toHaveLength(0);
  });

  it('转交: a failure after the move and the marking, before the commit, leaves neither (owner, reminder, assignments, audit)', async () => {
    const { c, r, ref } = await dueCustomer();
    const spend = service.spendOnTransfer({ actor: w.people.manager, ref, action: 'transfer' });
    const move = ownership.reassign({
      actor: w.people.manager,
      customerId: c,
      to: { id: w.people.rep2.id },
      source: 'card',
      within: async (tx, result) => {
        await spend(tx, result);
        throw new Error('the connection dropped');
      },
    });
    await expect(move).rejects.toThrow('the connection dropped');
    expect((await customerRow(c)).ownerUserId).toBe(w.people.rep.id);
    expect(await reminderRow(r)).toMatchObject({ status: 'sent', action: null, userId: w.people.rep.id });
    expect(await handle.db.select().from(assignments).where(eq(assignments.customerId, c))).toHaveLength(0);
    expect(
      await handle.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.subjectId, String(c))),
    ).toHaveLength(0);
    // The card is still current: the click can be made again, and then both apply.
    expect((await service.checkTransfer({ actor: w.people.manager, ref })).kind).toBe('ok');
  });
});
