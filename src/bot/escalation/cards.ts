import type { EscalationView } from '../../domain/escalation/escalation-view.js';
import type { EscalationMessages } from '../../domain/escalation/run-escalations.js';
import { addressKey, userAddress, type Card, type CardButton, type CardControl } from '../../messaging/types.js';
import { cappedLines } from '../cards/capped-lines.js';
import { formatDateTime, type Locale } from '../cards/i18n.js';
import { formatMoment } from '../ownership/text.js';
import { ESC_TEXT, formatDay } from './text.js';

type Ctx = { locale: Locale; timeZone: string };

export const ESCALATION_ACTION = { nudge: 'esc.nudge', reassign: 'esc.reassign', release: 'esc.release' } as const;

const nameOf = (u: { name: string | null; platformUserId: string } | null, fallback: string) =>
  u ? (u.name ?? u.platformUserId) : fallback;

/** `已由 王经理 提醒负责人 · 11月25日 10:02`: what was done from an escalation, or null. */
export function actedLine(view: EscalationView, ctx: Ctx): string | null {
  if (!view.acted) return null;
  const e = ESC_TEXT[ctx.locale];
  const by = nameOf(view.acted.by, e.someone);
  const at = formatMoment(ctx.locale, view.acted.at, ctx.timeZone);
  switch (view.acted.action) {
    case 'nudge':
      return e.actedLine.nudge(by, at);
    case 'reassign':
      return e.actedLine.reassign(by, nameOf(view.owner, e.someone), at);
    default:
      return e.actedLine.release(by, at);
  }
}

/**
 * The manager's card: customer, owner, days overdue, last follow-up; 提醒TA, the reassignment
 * picker (the team's people) and 放入公海. Once the customer is settled (moved or released) the
 * card keeps no buttons; after a nudge the other two remain.
 */
export function escalationCard(view: EscalationView, ctx: Ctx, workDays: number): Card {
  const e = ESC_TEXT[ctx.locale];
  const owner = nameOf(view.owner, e.someone);
  const last = view.lastFollowUp
    ? e.lastLine(
        formatDay(ctx.locale, view.lastFollowUp.occurredAt, ctx.timeZone),
        view.lastFollowUp.authorName ?? e.someone,
        view.lastFollowUp.summary,
      )
    : e.noFollowUp;
  const r = String(view.reminderId);
  const settled = view.acted !== null && view.acted.action !== 'nudge';
  const buttons: CardButton[] = [];
  const controls: CardControl[] = [];
  if (!settled) {
    if (view.acted === null) buttons.push({ label: e.nudge, style: 'primary', action: { name: ESCALATION_ACTION.nudge, args: { e: r } } });
    buttons.push({ label: e.release, style: 'danger', action: { name: ESCALATION_ACTION.release, args: { e: r } } });
    const people = view.team
      .filter((u) => u.id !== view.customer.ownerUserId)
      .map((u) => ({ id: u.platformUserId, name: nameOf(u, e.someone) }));
    if (people.length > 0) {
      controls.push({
        kind: 'person',
        name: 'to',
        placeholder: e.reassignPlaceholder,
        people,
        submitLabel: e.reassign,
        action: { name: ESCALATION_ACTION.reassign, args: { e: r } },
      });
    }
  }
  const line = actedLine(view, ctx);
  return {
    title: e.title(view.customer.name),
    tone: settled ? 'green' : 'orange',
    fields: [
      { label: e.customer, value: view.customer.name },
      { label: e.owner, value: view.customer.ownerUserId === null ? '—' : owner },
      { label: e.overdue, value: e.overdueDays(view.overdueDays) },
      { label: e.lastFollowUp, value: last },
    ],
    text: e.text(owner, view.customer.name, formatDateTime(ctx.locale, view.episodeAt, ctx.timeZone), workDays),
    ...(controls.length ? { controls } : {}),
    ...(buttons.length ? { buttons } : {}),
    ...(line ? { notes: [line] } : {}),
  };
}

/** The summary lists at most this many customers by name; the rest are counted. */
const MAX_SUMMARY_LINES = 30;

/** What did not fit in one run's cards for a manager: the customers, most overdue first. */
export function escalationSummaryCard(views: EscalationView[], ctx: Ctx): Card {
  const e = ESC_TEXT[ctx.locale];
  const lines = cappedLines(
    views,
    MAX_SUMMARY_LINES,
    (v) => e.summaryLine(v.customer.name, nameOf(v.owner, e.someone), v.overdueDays),
    e.summaryMore,
  );
  return { title: e.summaryTitle(views.length), tone: 'orange', text: lines.join('\n'), notes: [e.summaryHint] };
}

/** The escalation step's card, one per recipient (bound into the reminders job in compose-jobs.ts). */
export function escalationMessages(workDays: number): EscalationMessages {
  return {
    escalation(to, view) {
      const address = userAddress(to.platform, to.platformUserId);
      const card = escalationCard(view, to, workDays);
      return {
        target: addressKey(address),
        workspaceId: to.workspaceId,
        payload: { kind: 'send', to: address, message: { kind: 'card', card }, link: { kind: 'reminder', id: view.reminderId } },
      };
    },
    summary(to, views) {
      const address = userAddress(to.platform, to.platformUserId);
      return {
        target: addressKey(address),
        workspaceId: to.workspaceId,
        payload: { kind: 'send', to: address, message: { kind: 'card', card: escalationSummaryCard(views, to) } },
      };
    },
  };
}
