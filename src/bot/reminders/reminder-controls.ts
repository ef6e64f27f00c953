import { z } from 'zod';
import type { Card, CardButton, CardControl, CardForm } from '../../messaging/types.js';
import type { Locale } from '../cards/i18n.js';
import { addDays, wallClock, type CivilDate } from '../../domain/notes/civil-time.js';

/**
 * The buttons of a reminder card (and of each customer on `/我的`), shared by the card that shows
 * them and the actions that answer them. Every button carries the customer, the reminder (absent
 * on `/我的`) and the customer's state the card was drawn from (next and last follow-up times), so
 * a second click after anything changed finds the card spent instead of acting twice.
 */
export const REMINDER_ACTION = {
  /** Feishu and the console: the note typed into the card's input, logged against this customer. */
  note: 'rem.note',
  /** WeCom (no inputs): the rep's next message becomes the note for this customer. */
  askNote: 'rem.ask_note',
  /** 推迟1天 / 推迟1周: `d` days from today, at the planned time of day (or the default hour). */
  postpone: 'rem.postpone',
  /** 改期: the date picker's `date` (YYYY-MM-DD), at the planned time of day (or the default hour). */
  reschedule: 'rem.reschedule',
  /** 转交: redraws the card with the reassignment picker (a manager) or the request picker (a rep). */
  transfer: 'rem.transfer',
} as const;

/** What the buttons act on. `nextAt`/`lastAt`: the customer's times when the card was drawn. */
export type ReminderRef = { customerId: number; reminderId: number | null; nextAt: Date | null; lastAt: Date | null };

const ms = (at: Date | null) => (at ? String(at.getTime()) : '');

/** The button arguments for a ref: short keys, as platforms limit what a button may carry. */
export function reminderArgs(ref: ReminderRef): Record<string, string> {
  return { c: String(ref.customerId), r: ref.reminderId ? String(ref.reminderId) : '', n: ms(ref.nextAt), l: ms(ref.lastAt) };
}

const epochOrEmpty = z.union([z.literal(''), z.coerce.number().int().nonnegative()]);

/** Parses `reminderArgs` back; every reminder action's schema extends it. */
export const reminderRefSchema = z.object({
  c: z.coerce.number().int().positive(),
  r: z.union([z.literal(''), z.coerce.number().int().positive()]),
  n: epochOrEmpty,
  l: epochOrEmpty,
});

export function readReminderRef(args: z.infer<typeof reminderRefSchema>): ReminderRef {
  return {
    customerId: args.c,
    reminderId: args.r === '' ? null : args.r,
    nextAt: args.n === '' ? null : new Date(args.n),
    lastAt: args.l === '' ? null : new Date(args.l),
  };
}

const LABELS = {
  'zh-CN': {
    done: '已跟进',
    note: '跟进内容',
    notePlaceholder: '这次跟进聊了什么、下一步是什么',
    day: '推迟1天',
    week: '推迟1周',
    reschedule: '改期',
    datePlaceholder: '选择新的跟进日期',
    transfer: '转交',
  },
  en: {
    done: 'Followed up',
    note: 'Follow-up note',
    notePlaceholder: 'What was discussed, what comes next',
    day: '+1 day',
    week: '+1 week',
    reschedule: 'Reschedule',
    datePlaceholder: 'Pick the new follow-up date',
    transfer: 'Hand over',
  },
};

/** The next 14 days, for platforms without a calendar (`改期` becomes a select of them). */
function dateChoices(today: CivilDate, locale: Locale): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  for (let i = 1; i <= 14; i++) {
    const d = addDays(today, i);
    const value = `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
    out.push({ label: locale === 'en' ? value : `${d.m}月${d.d}日`, value });
  }
  return out;
}

/**
 * The acting part of a reminder card: the note form (已跟进; a button that asks for the next
 * message where cards have no inputs), 推迟1天, 推迟1周, 转交, and the 改期 date picker.
 */
export function reminderActions(
  ref: ReminderRef,
  ctx: { locale: Locale; timeZone: string; now: Date },
): Required<Pick<Card, 'form' | 'buttons' | 'controls'>> {
  const t = LABELS[ctx.locale];
  const args = reminderArgs(ref);
  const button = (label: string, name: string, extra: Record<string, string> = {}, style?: CardButton['style']): CardButton => ({
    label,
    ...(style ? { style } : {}),
    action: { name, args: { ...args, ...extra } },
  });
  const form: CardForm = {
    name: 'note',
    inputs: [{ name: 'note', label: t.note, placeholder: t.notePlaceholder, multiline: true }],
    submitLabel: t.done,
    submit: { name: REMINDER_ACTION.note, args },
    fallbackButton: button(t.done, REMINDER_ACTION.askNote, {}, 'primary'),
  };
  const reschedule: CardControl = {
    kind: 'date',
    name: 'date',
    placeholder: t.datePlaceholder,
    choices: dateChoices(wallClock(ctx.now, ctx.timeZone), ctx.locale),
    submitLabel: t.reschedule,
    action: { name: REMINDER_ACTION.reschedule, args },
  };
  return {
    form,
    buttons: [
      button(t.day, REMINDER_ACTION.postpone, { d: '1' }),
      button(t.week, REMINDER_ACTION.postpone, { d: '7' }),
      button(t.transfer, REMINDER_ACTION.transfer),
    ],
    controls: [reschedule],
  };
}
