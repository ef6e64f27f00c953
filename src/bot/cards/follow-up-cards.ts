import { formatLocalIso } from '../../domain/notes/civil-time.js';
import type { Card, CardButton } from '../../messaging/types.js';
import { channelLabel, formatAmount, formatDateTime, stageLabel, TEXT, type Channel, type Locale, type Stage } from './i18n.js';

/** What the follow-up cards show; built by the bot from the stored follow-up and customer. */
export type FollowUpView = {
  id: number;
  customerName: string | null;
  contact: string | null;
  channel: Channel | null;
  stage: Stage | null;
  amount: number | null;
  currency: string;
  nextFollowUpAt: Date | null;
  nextStep: string | null;
  needs: string | null;
  summary: string;
};

type CardContext = { locale: Locale; timeZone: string };

/** The facts a rep checks at a glance, in a fixed order, skipping what the note did not say. */
export function followUpFields(view: FollowUpView, ctx: CardContext): { label: string; value: string }[] {
  const t = TEXT[ctx.locale];
  const fields: { label: string; value: string | null }[] = [
    { label: t.customer, value: view.customerName },
    { label: t.contact, value: view.contact },
    { label: t.channel, value: view.channel && channelLabel(ctx.locale, view.channel) },
    { label: t.stage, value: view.stage && stageLabel(ctx.locale, view.stage) },
    { label: t.amount, value: view.amount === null ? null : formatAmount(view.amount, view.currency) },
    { label: t.nextFollowUp, value: view.nextFollowUpAt && formatDateTime(ctx.locale, view.nextFollowUpAt, ctx.timeZone) },
    { label: t.nextStep, value: view.nextStep },
    { label: t.needs, value: view.needs },
  ];
  return fields.filter((f): f is { label: string; value: string } => Boolean(f.value));
}

const id = (view: FollowUpView) => ({ id: String(view.id) });

/** A note about a colleague's customer: nothing is recorded until the author chooses. */
export function ownedByOtherCard(view: FollowUpView, ownerName: string, ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  return {
    title: t.ownedByOther(ownerName),
    tone: 'orange',
    fields: followUpFields(view, ctx),
    text: `${view.summary}\n\n${t.ownedByOtherHint}`,
    buttons: [
      { label: t.recordAsCollaboration, style: 'primary', action: { name: 'fu.collab', args: id(view) } },
      { label: t.requestTransfer, style: 'default', action: { name: 'own.request_mine', args: id(view) } },
      { label: t.undo, style: 'danger', action: { name: 'fu.undo', args: id(view) } },
    ],
  };
}

export function savedCard(
  view: FollowUpView,
  ctx: CardContext,
  opts: { createdCustomer?: boolean; edited?: boolean; collaboration?: boolean } = {},
): Card {
  const t = TEXT[ctx.locale];
  return {
    title: `${opts.edited ? t.edited : t.saved}${view.customerName ? ` · ${view.customerName}` : ''}`,
    tone: 'green',
    fields: followUpFields(view, ctx),
    text: view.summary,
    notes: opts.createdCustomer ? [t.createdCustomer] : opts.collaboration ? [t.collaborationSaved] : undefined,
    buttons: [
      { label: t.edit, style: 'default', action: { name: 'fu.edit', args: id(view) } },
      { label: t.undo, style: 'danger', action: { name: 'fu.undo', args: id(view) } },
    ],
  };
}

/** A spent card: the buttons are gone so nobody clicks them again. */
export function undoneCard(view: FollowUpView, ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  return { title: t.undone, tone: 'grey', fields: followUpFields(view, ctx), text: view.summary };
}

export function pickCustomerCard(
  view: FollowUpView,
  candidates: { id: number; name: string }[],
  proposedName: string | null,
  ctx: CardContext,
): Card {
  const t = TEXT[ctx.locale];
  // WeCom shows at most six buttons: up to four candidates, "new customer" and undo.
  const buttons: CardButton[] = candidates.slice(0, 4).map((c) => ({
    label: c.name,
    style: 'primary',
    action: { name: 'fu.pick', args: { id: String(view.id), customer: String(c.id) } },
  }));
  buttons.push({
    label: proposedName ? t.newCustomer(proposedName) : t.newCustomerNoName,
    style: 'default',
    action: { name: 'fu.new_customer', args: { id: String(view.id), ...(proposedName ? { name: proposedName } : {}) } },
  });
  buttons.push({ label: t.undo, style: 'danger', action: { name: 'fu.undo', args: id(view) } });
  return {
    title: t.pickCustomer,
    tone: 'orange',
    text: `${view.summary}\n\n${t.pickCustomerHint}`,
    fields: followUpFields(view, ctx),
    buttons,
  };
}

/** The edit form, prefilled; dates are shown as `YYYY-MM-DD HH:mm` in the workspace zone. */
export function editFormCard(view: FollowUpView, ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  return {
    title: `${t.editTitle}${view.customerName ? ` · ${view.customerName}` : ''}`,
    tone: 'blue',
    notes: [t.editHint],
    form: {
      name: 'fu_edit',
      submitLabel: t.save,
      submit: { name: 'fu.edit_submit', args: id(view) },
      fallbackText: t.editByMessage(view.id),
      inputs: [
        { name: 'contact', label: t.contact, value: view.contact ?? '' },
        { name: 'channel', label: t.channel, value: view.channel ? channelLabel(ctx.locale, view.channel) : '' },
        { name: 'stage', label: t.stage, value: view.stage ? stageLabel(ctx.locale, view.stage) : '' },
        { name: 'amount', label: t.amount, value: view.amount === null ? '' : String(view.amount) },
        { name: 'nextFollowUpAt', label: t.nextFollowUp, value: view.nextFollowUpAt ? isoLocal(view.nextFollowUpAt, ctx.timeZone) : '' },
        { name: 'nextStep', label: t.nextStep, value: view.nextStep ?? '' },
        { name: 'needs', label: t.needs, value: view.needs ?? '' },
        { name: 'summary', label: t.summary, value: view.summary, multiline: true },
      ],
    },
  };
}

/** `2026-12-02 09:00` in the given zone (how the edit form shows and reads dates). */
export const isoLocal = (at: Date, timeZone: string): string => formatLocalIso(at, timeZone);
