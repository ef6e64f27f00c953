import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { customers, users } from '../../db/schema/index.js';
import type { OutboundEnvelope } from '../../delivery/outbox.js';
import type { Clock } from '../../lib/clock.js';
import { getCustomer, lockCustomer, type CustomerRecord } from '../customers/customers-repo.js';
import type { FollowUpDraft, FollowUpsService, RecordNoteResult } from '../follow-ups/follow-ups-service.js';
import type { FollowUpRecord } from '../follow-ups/follow-ups-repo.js';
import { mayUpdateCustomer } from '../ownership/scope.js';
import { loadReminderView } from '../reminders/reminder-view.js';
import type { UserRecord } from '../users/users-service.js';
import { actedOn, type Acted } from './acted-on.js';
import { claimCard, isCurrent, type CardRef, type ReminderAction } from './card-state.js';
import { dropPrompt, openPrompt, savePrompt, takePrompt, type NotePrompt } from './note-prompts.js';
import { planPostpone, type PostponeTo } from './plan-postpone.js';

/** Why a click changed nothing: the customer is gone, the operator may not update it, or the card was spent. */
export type Refusal = { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'spent'; acted: Acted | null };

export type NoteInput = {
  actor: UserRecord;
  text: string;
  draft: FollowUpDraft;
  /** Dedupe key of the note: the click's event id, or the prompted message's id. */
  sourceId: string;
  occurredAt: Date;
  /** What reports the saved note (the reply card), enqueued in its transaction. */
  outbound?: (result: RecordNoteResult) => OutboundEnvelope[];
};

/** 转交 on a card that another click spent after the check: the move is rolled back with it. */
export class CardSpentMeanwhile extends Error {
  override name = 'CardSpentMeanwhile';
}

type Deps = { db: Db; clock: Clock; followUps: Pick<FollowUpsService, 'recordNote'>; defaultHour: number };

const POSTPONE_ACTION = (to: PostponeTo): ReminderAction => ('date' in to ? 'reschedule' : to.days === 1 ? 'postpone_1d' : 'postpone_7d');

/**
 * What the buttons of a reminder card (and of each row of `/我的`) do: log a note against the
 * customer, postpone or reschedule its next follow-up, wait for the note as the rep's next message
 * (WeCom), and mark a card spent by a transfer. Every change runs in one transaction that locks
 * the customer, checks the operator may update it and that the card is still current
 * (`claimCard`), changes it, marks the reminder and writes the audit; a spent card answers who
 * spent it and when.
 */
export function createReminderActionsService(deps: Deps) {
  const { db, clock } = deps;

  async function mayUpdate(tx: Db | Tx, actor: UserRecord, customer: CustomerRecord): Promise<boolean> {
    if (customer.ownerUserId === null || customer.ownerUserId === actor.id) return mayUpdateCustomer(actor, customer, null);
    const [owner] = await tx.select().from(users).where(eq(users.id, customer.ownerUserId)).limit(1);
    return mayUpdateCustomer(actor, customer, owner ?? null);
  }

  const spent = async (workspaceId: number, ref: CardRef): Promise<Refusal> => ({
    kind: 'spent',
    acted: await actedOn(db, workspaceId, ref),
  });

  /** 已跟进 with the note typed on the card: logged against `ref`'s customer, whatever customer the text names. */
  async function logNote(
    input: NoteInput & { ref: CardRef },
  ): Promise<{ kind: 'saved'; followUp: FollowUpRecord; customer: CustomerRecord } | Refusal> {
    const { actor, ref } = input;
    const result = await deps.followUps.recordNote({
      workspaceId: actor.workspaceId,
      author: actor,
      text: input.text,
      sourceMessageId: input.sourceId,
      occurredAt: input.occurredAt,
      draft: input.draft,
      forCustomer: {
        id: ref.customerId,
        claim: (tx, customer, now) => claimCard(tx, { ref, customer, actor, mark: { action: 'note', status: 'done' }, now }),
      },
      ...(input.outbound ? { outbound: input.outbound } : {}),
    });
    switch (result.kind) {
      case 'saved':
        return { kind: 'saved', followUp: result.followUp, customer: result.customer };
      case 'not_found':
      case 'forbidden':
        return { kind: result.kind };
      // `duplicate`: this very click ran before (a redelivery); it spent the card.
      default:
        return spent(actor.workspaceId, ref);
    }
  }

  /** 推迟1天 / 推迟1周 / 改期: the next follow-up moves to the planned time of day on the chosen day. */
  async function postpone(input: {
    actor: UserRecord;
    ref: CardRef;
    to: PostponeTo;
    /** The workspace's zone: the days and the time of day are local there. */
    timeZone: string;
  }): Promise<{ kind: 'postponed'; customer: CustomerRecord; until: Date } | { kind: 'past_date' } | { kind: 'bad_date' } | Refusal> {
    const { actor, ref } = input;
    const outcome = await runTransaction(db, async (tx) => {
      const customer = await lockCustomer(tx, actor.workspaceId, ref.customerId);
      if (!customer) return { kind: 'not_found' as const };
      if (!(await mayUpdate(tx, actor, customer))) return { kind: 'forbidden' as const };
      const now = clock.now();
      const plan = planPostpone(input.to, { now, timeZone: input.timeZone, plannedAt: ref.nextAt, defaultHour: deps.defaultHour });
      if (!plan.ok) return plan.why === 'past_date' ? { kind: 'past_date' as const } : { kind: 'bad_date' as const };
      const mark = { action: POSTPONE_ACTION(input.to), status: 'snoozed' as const, snoozedUntil: plan.until };
      if (!(await claimCard(tx, { ref, customer, actor, mark, now }))) return { kind: 'spent' as const };
      await tx.update(customers).set({ nextFollowUpAt: plan.until, updatedAt: now }).where(eq(customers.id, customer.id));
      return { kind: 'postponed' as const, customer: { ...customer, nextFollowUpAt: plan.until, updatedAt: now }, until: plan.until };
    });
    return outcome.kind === 'spent' ? spent(actor.workspaceId, ref) : outcome;
  }

  /**
   * 已跟进 where cards have no inputs: the rep's next message is the note. Stores one prompt per
   * user (a newer one replaces it), open for 30 minutes; nothing else changes yet.
   */
  async function askNote(input: { actor: UserRecord; ref: CardRef }): Promise<{ kind: 'asked'; expiresAt: Date } | Refusal> {
    const { actor, ref } = input;
    const outcome = await runTransaction(db, async (tx) => {
      const customer = await lockCustomer(tx, actor.workspaceId, ref.customerId);
      if (!customer) return { kind: 'not_found' as const };
      if (!(await mayUpdate(tx, actor, customer))) return { kind: 'forbidden' as const };
      if (!(await isCurrent(tx, customer, ref))) return { kind: 'spent' as const };
      const expiresAt = await savePrompt(tx, {
        workspaceId: actor.workspaceId,
        userId: actor.id,
        customerId: customer.id,
        reminderId: ref.reminderId,
        now: clock.now(),
      });
      return { kind: 'asked' as const, expiresAt };
    });
    return outcome.kind === 'spent' ? spent(actor.workspaceId, ref) : outcome;
  }

  /**
   * The prompted message logged against the prompt's customer: the prompt is taken, the note
   * logged and the reminder marked done in one transaction. `fallback`: the prompt was taken by
   * another message, or the customer is no longer the rep's to update (the prompt is dropped);
   * the message is then an ordinary note.
   */
  async function logPromptedNote(
    input: NoteInput & { prompt: NotePrompt },
  ): Promise<{ kind: 'saved'; followUp: FollowUpRecord; customer: CustomerRecord } | { kind: 'duplicate' } | { kind: 'fallback' }> {
    const { actor, prompt } = input;
    const result = await deps.followUps.recordNote({
      workspaceId: actor.workspaceId,
      author: actor,
      text: input.text,
      sourceMessageId: input.sourceId,
      occurredAt: input.occurredAt,
      draft: input.draft,
      forCustomer: {
        id: prompt.customerId,
        async claim(tx, customer, now) {
          if (!(await takePrompt(tx, prompt, now))) return false;
          // A reminder spent since the prompt (postponed by a manager, say) keeps that state: the note is logged all the same.
          const ref = {
            customerId: customer.id,
            reminderId: prompt.reminderId,
            nextAt: customer.nextFollowUpAt,
            lastAt: customer.lastFollowUpAt,
          };
          await claimCard(tx, { ref, customer, actor, mark: { action: 'note', status: 'done' }, now });
          return true;
        },
      },
      ...(input.outbound ? { outbound: input.outbound } : {}),
    });
    if (result.kind === 'saved') return { kind: 'saved', followUp: result.followUp, customer: result.customer };
    if (result.kind === 'duplicate') return { kind: 'duplicate' };
    if (result.kind === 'forbidden' || result.kind === 'not_found') await dropPrompt(db, prompt);
    return { kind: 'fallback' };
  }

  /**
   * 转交, before the picker is shown and before the pick acts: the operator may update the customer
   * and the card is current. The move itself is the ownership service's, with its own checks.
   */
  async function checkTransfer(input: { actor: UserRecord; ref: CardRef }): Promise<{ kind: 'ok'; customer: CustomerRecord } | Refusal> {
    const { actor, ref } = input;
    const customer = await getCustomer(db, actor.workspaceId, ref.customerId);
    if (!customer) return { kind: 'not_found' };
    if (!(await mayUpdate(db, actor, customer))) return { kind: 'forbidden' };
    if (!(await isCurrent(db, customer, ref))) return spent(actor.workspaceId, ref);
    return { kind: 'ok', customer };
  }

  /**
   * 转交's marking, run by the ownership service inside the move's (or the request's) transaction
   * (its `within`), so the move and the spent card commit together or not at all. The mover may
   * update the customer (it manages the new owner) and so may a requester (it still owns it).
   * A card spent meanwhile throws `CardSpentMeanwhile`, which rolls the move back.
   */
  function spendOnTransfer(input: { actor: UserRecord; ref: CardRef; action: 'transfer' | 'transfer_request' }) {
    return async (tx: Tx, result: { customer: CustomerRecord }): Promise<void> => {
      const mark = { action: input.action, status: 'done' as const };
      if (!(await claimCard(tx, { ref: input.ref, customer: result.customer, actor: input.actor, mark, now: clock.now() })))
        throw new CardSpentMeanwhile();
    };
  }

  return {
    logNote,
    postpone,
    askNote,
    logPromptedNote,
    checkTransfer,
    spendOnTransfer,
    /** The user's open note prompt: one indexed read, made for every message that is not a command. */
    promptFor: (actor: Pick<UserRecord, 'workspaceId' | 'id'>) => openPrompt(db, actor.workspaceId, actor.id, clock.now()),
    /** Who spent the card and how. */
    actedOn: (workspaceId: number, ref: CardRef) => actedOn(db, workspaceId, ref),
    /** The customer as a reminder card shows it (for redrawing the card). */
    view: (workspaceId: number, customerId: number) => loadReminderView(db, workspaceId, customerId),
  };
}

export type ReminderActionsService = ReturnType<typeof createReminderActionsService>;
