import type { UserBrief } from '../../domain/ownership/ownership-service.js';
import type { Card, CardControl } from '../../messaging/types.js';
import { formatAmount, formatDateTime, stageLabel, TEXT, type Locale, type Stage } from '../cards/i18n.js';
import { OWN_TEXT } from './text.js';

type CardContext = { locale: Locale; timeZone: string };

/** What the customer card (`/查`, the new owner's notice) shows; `limited` leaves out everything but the name, the owner and the pool. */
export type CustomerCardView = {
  id: number;
  name: string;
  ownerId: number | null;
  /** Null: in the public pool. */
  ownerName: string | null;
  stage: Stage;
  amount: number | null;
  currency: string;
  nextFollowUpAt: Date | null;
  nextStep: string | null;
  followUps: { occurredAt: Date; summary: string; authorName: string | null }[];
};

/** Who the operator may pick on the card: a manager's reassignment, or the owner's request. */
export type CustomerCardControls = { reassignTo?: UserBrief[]; requestTo?: UserBrief[] };

const who = (u: Pick<UserBrief, 'name' | 'platformUserId'>) => u.name ?? u.platformUserId;
const people = (list: UserBrief[]) => list.map((u) => ({ id: u.platformUserId, name: who(u) }));

/** Name, owner, pool: what anyone in the workspace may see (a colleague's customer, any card in a group). */
export function limitedCustomerCard(view: CustomerCardView, ctx: CardContext, opts: { group: boolean }): Card {
  const t = TEXT[ctx.locale];
  const o = OWN_TEXT[ctx.locale];
  return {
    title: view.name,
    tone: 'blue',
    fields: [
      { label: t.owner, value: view.ownerName ?? t.pool },
      { label: o.inPool, value: view.ownerId === null ? o.yes : o.no },
    ],
    notes: [opts.group ? o.groupNote : o.limitedNote(view.ownerName ?? t.pool)],
  };
}

/** Everything the operator may see, the last five follow-ups, and the picker their role allows. */
export function fullCustomerCard(view: CustomerCardView, ctx: CardContext, opts: CustomerCardControls & { notes?: string[] } = {}): Card {
  const t = TEXT[ctx.locale];
  const o = OWN_TEXT[ctx.locale];
  const fields = [
    { label: t.stage, value: stageLabel(ctx.locale, view.stage) },
    { label: t.owner, value: view.ownerName ?? t.pool },
  ];
  if (view.amount !== null) fields.push({ label: t.amount, value: formatAmount(view.amount, view.currency) });
  if (view.nextFollowUpAt) fields.push({ label: t.nextFollowUp, value: formatDateTime(ctx.locale, view.nextFollowUpAt, ctx.timeZone) });
  if (view.nextStep) fields.push({ label: t.nextStep, value: view.nextStep });
  const history = view.followUps
    .slice(0, 5)
    .map((f) => `· ${formatDateTime(ctx.locale, f.occurredAt, ctx.timeZone)}${f.authorName ? ` ${f.authorName}` : ''}：${f.summary}`)
    .join('\n');
  const c = String(view.id);
  const controls: CardControl[] = [];
  const reassignTo = (opts.reassignTo ?? []).filter((u) => u.id !== view.ownerId);
  if (reassignTo.length > 0) {
    controls.push({
      kind: 'person',
      name: 'to',
      placeholder: o.reassignPlaceholder,
      people: people(reassignTo),
      submitLabel: o.reassign,
      // `f`: the owner this card shows; a click after the customer moved is stale and changes nothing.
      action: { name: 'own.reassign', args: { c, f: view.ownerId === null ? '' : String(view.ownerId) } },
    });
  } else if (opts.requestTo?.length) {
    controls.push({
      kind: 'person',
      name: 'to',
      placeholder: o.requestPlaceholder,
      people: people(opts.requestTo),
      submitLabel: o.requestTransfer,
      action: { name: 'own.request', args: { c } },
    });
  }
  return {
    title: view.name,
    tone: 'blue',
    fields,
    text: `${t.lastFollowUps}\n${history || t.noFollowUps}`,
    ...(controls.length ? { controls } : {}),
    ...(opts.notes?.length ? { notes: opts.notes } : {}),
  };
}

/** The card after a move: spent (no picker), with who moved it to whom and when. */
export function movedCard(view: CustomerCardView, ctx: CardContext, line: string): Card {
  const card = fullCustomerCard(view, ctx, { notes: [line] });
  return { ...card, tone: 'green' };
}

export type RequestView = {
  requestId: number;
  customerName: string;
  requester: string;
  from: string;
  to: string;
};

/** What an approver gets: who asks to move which customer from whom to whom, with 同意 / 拒绝. */
export function transferRequestCard(view: RequestView, ctx: CardContext): Card {
  const t = TEXT[ctx.locale];
  const o = OWN_TEXT[ctx.locale];
  const r = String(view.requestId);
  return {
    title: o.requestTitle(view.customerName),
    tone: 'orange',
    fields: [
      { label: t.customer, value: view.customerName },
      { label: o.from, value: view.from },
      { label: o.to, value: view.to },
      { label: o.requester, value: view.requester },
    ],
    text: o.requestText(view.requester, view.customerName, view.from, view.to),
    buttons: [
      { label: o.approve, style: 'primary', action: { name: 'own.decide', args: { r, ok: '1' } } },
      { label: o.reject, style: 'danger', action: { name: 'own.decide', args: { r, ok: '0' } } },
    ],
  };
}

/** The request card once decided (by this click or an earlier one): no buttons left. */
export function decidedRequestCard(title: string, line: string, tone: Card['tone']): Card {
  return { title, tone, notes: [line] };
}
