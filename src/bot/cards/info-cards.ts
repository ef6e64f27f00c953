import type { Card } from '../../messaging/types.js';
import { formatDateTime, stageLabel, TEXT, type Locale, type Stage } from './i18n.js';

type CardContext = { locale: Locale; timeZone: string };

export function helpCard(ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  return { title: t.helpTitle, tone: 'blue', text: t.helpText, notes: [t.helpCommands] };
}

export type CustomerOverviewView = {
  name: string;
  stage: Stage;
  ownerName: string | null;
  nextFollowUpAt: Date | null;
  nextStep: string | null;
  followUps: { occurredAt: Date; summary: string; authorName: string | null }[];
};

/** `/查`: the customer, its owner and next step, and the last five follow-ups. */
export function customerOverviewCard(view: CustomerOverviewView, ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  const fields = [
    { label: t.stage, value: stageLabel(ctx.locale, view.stage) },
    { label: t.owner, value: view.ownerName ?? t.pool },
  ];
  if (view.nextFollowUpAt) fields.push({ label: t.nextFollowUp, value: formatDateTime(ctx.locale, view.nextFollowUpAt, ctx.timeZone) });
  if (view.nextStep) fields.push({ label: t.nextStep, value: view.nextStep });
  const history = view.followUps
    .slice(0, 5)
    .map((f) => `· ${formatDateTime(ctx.locale, f.occurredAt, ctx.timeZone)}${f.authorName ? ` ${f.authorName}` : ''}：${f.summary}`)
    .join('\n');
  return { title: view.name, tone: 'blue', fields, text: `${t.lastFollowUps}\n${history || t.noFollowUps}` };
}

export type DueItemView = { customerName: string; nextFollowUpAt: Date; overdue: boolean; lastSummary: string | null };

/** `/我的`: what is due today and what is overdue, overdue first. */
export function mineCard(items: DueItemView[], ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  if (items.length === 0) return { title: t.mineTitle, tone: 'green', text: t.mineNone };
  const lines = items.map(
    (i) =>
      `${i.overdue ? `【${t.overdue}】` : `【${t.dueToday}】`}${i.customerName} · ${formatDateTime(ctx.locale, i.nextFollowUpAt, ctx.timeZone)}${i.lastSummary ? `\n   ${i.lastSummary}` : ''}`,
  );
  return { title: `${t.mineTitle} (${items.length})`, tone: items.some((i) => i.overdue) ? 'orange' : 'blue', text: lines.join('\n') };
}
