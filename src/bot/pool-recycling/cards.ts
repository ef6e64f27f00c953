import type { PoolMessages, PoolWarningView, RecycledLine } from '../../domain/pool-recycling/pool-messages.js';
import { addressKey, userAddress, type Card } from '../../messaging/types.js';
import { cappedLines } from '../cards/capped-lines.js';
import type { Locale } from '../cards/i18n.js';
import { formatDay } from '../escalation/text.js';
import { REMINDER_ACTION, reminderArgs } from '../reminders/reminder-controls.js';
import { POOL_TEXT } from './text.js';

type Ctx = { locale: Locale; timeZone: string };

export const POOL_WARNING_ACTION = { release: 'poolw.release' } as const;

/** The recycled notice lists at most this many customers by name; the rest are counted. */
const MAX_LINES = 30;

const dayLabel = (locale: Locale, d: { y: number; m: number; d: number }) =>
  locale === 'zh-CN'
    ? `${d.m}月${d.d}日`
    : new Date(Date.UTC(d.y, d.m - 1, d.d)).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * The owner's warning: 保留 is the reminder card's note form (an input on Feishu, a button that
 * asks for the next message on WeCom; logging the note restarts the clock), 释放 puts the customer
 * back now, 转交 is the reminder card's hand-over.
 */
export function poolWarningCard(view: PoolWarningView, ctx: Ctx & { now: Date }, opts: { notes?: string[]; spent?: boolean } = {}): Card {
  const p = POOL_TEXT[ctx.locale];
  const c = view.customer;
  const day = dayLabel(ctx.locale, view.releaseOn);
  const card: Card = {
    title: p.warningTitle(c.name),
    tone: opts.spent ? 'grey' : 'orange',
    fields: [
      ...(c.tier ? [{ label: p.tier, value: c.tier }] : []),
      { label: p.lastFollowUp, value: c.lastFollowUpAt ? formatDay(ctx.locale, c.lastFollowUpAt, ctx.timeZone) : p.never },
      { label: p.releaseOn, value: day },
    ],
    text: p.warningText(c.name, view.idleDays, day),
    notes: opts.notes ?? [p.keepHint],
  };
  if (opts.spent) return card;
  // The reminder card's own actions and argument contract (reminder-controls.ts): 保留 is its note
  // form (rem.note; rem.ask_note where cards have no inputs), 转交 its rem.transfer.
  const args = reminderArgs({ customerId: c.id, reminderId: view.reminderId, nextAt: c.nextFollowUpAt, lastAt: c.lastFollowUpAt });
  return {
    ...card,
    form: {
      name: 'note',
      inputs: [{ name: 'note', label: p.noteLabel, placeholder: p.notePlaceholder, multiline: true }],
      submitLabel: p.keep,
      submit: { name: REMINDER_ACTION.note, args },
      fallbackButton: { label: p.keep, style: 'primary', action: { name: REMINDER_ACTION.askNote, args } },
    },
    buttons: [
      { label: p.release, style: 'danger', action: { name: POOL_WARNING_ACTION.release, args: { r: String(view.reminderId) } } },
      { label: p.transfer, action: { name: REMINDER_ACTION.transfer, args } },
    ],
  };
}

/** The old owner's one message after a run: which customers went back and why. */
export function recycledText(lines: RecycledLine[], locale: Locale): string {
  const p = POOL_TEXT[locale];
  const shown = cappedLines(lines, MAX_LINES, (l) => p.recycledLine(l.name, l.idleDays), p.recycledMore);
  return [p.recycled(lines.length), ...shown, p.recycledHint].join('\n');
}

/** The summary lists at most this many customers by name; the rest are counted. */
const MAX_SUMMARY_LINES = 10;

/** The warnings past the per-run cap, soonest release first: each can still be kept with a follow-up. */
export function poolWarningSummaryCard(views: PoolWarningView[], ctx: Ctx): Card {
  const p = POOL_TEXT[ctx.locale];
  const lines = cappedLines(
    views,
    MAX_SUMMARY_LINES,
    (v) => p.summaryLine(v.customer.name, dayLabel(ctx.locale, v.releaseOn), v.idleDays),
    p.recycledMore,
  );
  return { title: p.summaryTitle(views.length), tone: 'orange', text: lines.join('\n'), notes: [p.summaryHint] };
}

/** The pool job's messages (bound into the job in compose-jobs.ts). */
export const poolMessages: PoolMessages = {
  warning(to, view, now) {
    const address = userAddress(to.platform, to.platformUserId);
    const card = poolWarningCard(view, { locale: to.locale, timeZone: to.timeZone, now });
    return {
      target: addressKey(address),
      workspaceId: to.workspaceId,
      payload: { kind: 'send', to: address, message: { kind: 'card', card }, link: { kind: 'reminder', id: view.reminderId } },
    };
  },
  warningSummary(to, views) {
    const address = userAddress(to.platform, to.platformUserId);
    const card = poolWarningSummaryCard(views, { locale: to.locale, timeZone: to.timeZone });
    return {
      target: addressKey(address),
      workspaceId: to.workspaceId,
      payload: { kind: 'send', to: address, message: { kind: 'card', card } },
    };
  },
  recycled(to, lines) {
    const address = userAddress(to.platform, to.platformUserId);
    return {
      target: addressKey(address),
      workspaceId: to.workspaceId,
      payload: { kind: 'send', to: address, message: { kind: 'text', text: recycledText(lines, to.locale) } },
    };
  },
};
