import type { HandoverOutcome, HandoverPlan } from '../../domain/ownership/handover.js';
import type { UserBrief } from '../../domain/ownership/ownership-service.js';
import type { Card } from '../../messaging/types.js';
import type { Locale } from '../cards/i18n.js';
import { HANDOVER_TEXT } from './text.js';

const who = (u: Pick<UserBrief, 'name' | 'platformUserId'>) => u.name ?? u.platformUserId;

/** The facts both the confirmation and the running card show. */
function planFacts(plan: HandoverPlan, locale: Locale) {
  const h = HANDOVER_TEXT[locale];
  const fields = [
    { label: h.from, value: who(plan.from) },
    { label: h.to, value: plan.to ? who(plan.to) : h.spread },
    { label: h.customers, value: String(plan.counts.customers) },
    { label: h.openReminders, value: String(plan.counts.openReminders) },
    { label: h.followUps, value: String(plan.counts.followUps) },
  ];
  const share = plan.to ? '' : `${h.share}\n${plan.share.map((s) => `· ${h.shareLine(who(s.user), s.count)}`).join('\n')}\n\n`;
  return { fields, text: `${share}${h.keeps}` };
}

/** `/交接 @A @B`: the counts and the two confirmations; nothing has moved yet. */
export function handoverConfirmCard(handoverId: number, plan: HandoverPlan, locale: Locale): Card {
  const h = HANDOVER_TEXT[locale];
  const id = String(handoverId);
  return {
    title: h.confirmTitle(who(plan.from)),
    tone: 'orange',
    ...planFacts(plan, locale),
    notes: [h.deactivateNote(who(plan.from))],
    buttons: [
      { label: h.confirm, style: 'primary', action: { name: 'ho.confirm', args: { id, deactivate: '0' } } },
      { label: h.confirmDeactivate, style: 'danger', action: { name: 'ho.confirm', args: { id, deactivate: '1' } } },
    ],
  };
}

/** The confirmation card once confirmed: no buttons left to press twice. */
export function handoverRunningCard(plan: HandoverPlan & { deactivate: boolean }, by: UserBrief, locale: Locale): Card {
  const h = HANDOVER_TEXT[locale];
  const facts = planFacts(plan, locale);
  if (plan.deactivate) facts.fields.push({ label: h.willDeactivate, value: '✓' });
  return { title: h.runningTitle(who(plan.from)), tone: 'blue', ...facts, notes: [h.runningNote(who(by))] };
}

/** The manager's final card: how many moved, to whom, and whether A was deactivated. */
export function handoverDoneCard(outcome: HandoverOutcome, locale: Locale): Card {
  const h = HANDOVER_TEXT[locale];
  const from = who(outcome.from);
  const lines = outcome.movedTo.map((m) => `· ${h.shareLine(who(m.user), m.count)}`).join('\n') || h.nobody;
  const notes = [
    ...(outcome.deactivated ? [h.deactivated(from)] : []),
    ...(outcome.stoppedBecause === 'target_inactive' ? [h.stoppedTargetInactive] : []),
    ...(outcome.stoppedBecause === 'no_recipients' ? [h.stoppedNoRecipients] : []),
  ];
  return {
    title: outcome.status === 'done' ? h.doneTitle(from) : h.stoppedTitle(from),
    tone: outcome.status === 'done' ? 'green' : 'red',
    fields: [
      { label: h.from, value: from },
      { label: h.moved, value: h.movedCount(outcome.moved) },
    ],
    text: `${h.to}\n${lines}`,
    ...(notes.length ? { notes } : {}),
  };
}
