import type { MessageRecipient } from '../schedule/job-context.js';
import type { OutboundEnvelope } from '../../delivery/outbox.js';
import type { CivilDate } from '../notes/civil-time.js';
import type { Tier } from './pool-rules.js';

/** What the owner's warning card shows; `reminderId` is the stored warning its buttons act on. */
export type PoolWarningView = {
  reminderId: number;
  customer: { id: number; name: string; tier: Tier | null; lastFollowUpAt: Date | null; nextFollowUpAt: Date | null };
  /** Whole local days since the baseline (the last follow-up, or when the owner got the customer). */
  idleDays: number;
  /** The day it returns to the pool unless someone follows up. */
  releaseOn: CivilDate;
};

/** One customer that went back, for the old owner's notice (`60 天未跟进`). */
export type RecycledLine = { customerId: number; name: string; idleDays: number };

/**
 * The pool job's messages, built by the bot and bound in at the composition root (the domain
 * builds no user text). The job adds the dedupe key and the send time.
 */
export type PoolMessages = {
  warning(to: MessageRecipient, view: PoolWarningView, now: Date): Omit<OutboundEnvelope, 'dedupeKey' | 'notBefore'>;
  recycled(to: MessageRecipient, lines: RecycledLine[], now: Date): Omit<OutboundEnvelope, 'dedupeKey' | 'notBefore'>;
  /** The warnings past `reminders.maxCardsPerRun` for one owner in one run, soonest release first, in one card. */
  warningSummary(to: MessageRecipient, views: PoolWarningView[], now: Date): Omit<OutboundEnvelope, 'dedupeKey' | 'notBefore'>;
};
