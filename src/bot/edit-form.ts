import type { FollowUpEdit } from '../domain/follow-ups/follow-up-changes.js';
import { toZonedIso } from '../domain/notes/civil-time.js';
import { parseChannelLabel, parseStageLabel, TEXT, type Locale } from './cards/i18n.js';

export type FollowUpChanges = FollowUpEdit;

type DateReader = (text: string) => Date | null;

/**
 * Reads the submitted edit form. Empty inputs clear the field; anything unreadable is reported
 * back (and nothing is saved) rather than guessed. `readDate` understands what notes do
 * (下周三, 3天后); `YYYY-MM-DD[ HH:mm]` is read here in the workspace zone.
 */
export function readEditForm(
  form: Record<string, string>,
  opts: { locale: Locale; timeZone: string; readDate: DateReader },
): { ok: true; changes: FollowUpChanges } | { ok: false; error: string } {
  const t = TEXT[opts.locale];
  const changes: FollowUpChanges = {};
  const text = (name: string) => (name in form ? (form[name] ?? '').trim() : undefined);
  const optional = (v: string) => (v === '' ? null : v.slice(0, 500));

  const contact = text('contact');
  if (contact !== undefined) changes.contact = optional(contact);
  const nextStep = text('nextStep');
  if (nextStep !== undefined) changes.nextStep = optional(nextStep);
  const needs = text('needs');
  if (needs !== undefined) changes.needs = optional(needs);
  const summary = text('summary');
  if (summary) changes.summary = summary.slice(0, 500);

  const channel = text('channel');
  if (channel !== undefined) {
    const parsed = channel === '' ? null : parseChannelLabel(channel);
    if (channel !== '' && !parsed) return { ok: false, error: t.badInput(`${t.channel}「${channel}」`) };
    changes.channel = parsed;
  }
  const stage = text('stage');
  if (stage !== undefined) {
    const parsed = stage === '' ? null : parseStageLabel(stage);
    if (stage !== '' && !parsed) return { ok: false, error: t.badInput(`${t.stage}「${stage}」`) };
    changes.stage = parsed;
  }
  const amount = text('amount');
  if (amount !== undefined) {
    const cleaned = amount.replace(/[,，\s¥$元]/g, '');
    const value = cleaned === '' ? null : Number(cleaned);
    if (value !== null && (!Number.isFinite(value) || value < 0)) return { ok: false, error: t.badInput(`${t.amount}「${amount}」`) };
    changes.amount = value;
  }
  const next = text('nextFollowUpAt');
  if (next !== undefined) {
    const value = next === '' ? null : (readIsoLocal(next, opts.timeZone) ?? opts.readDate(next));
    if (next !== '' && !value) return { ok: false, error: t.badInput(`${t.nextFollowUp}「${next}」`) };
    changes.nextFollowUpAt = value;
  }
  return { ok: true, changes };
}

/** `2026-12-02` or `2026-12-02 15:30` as a wall-clock time in `timeZone` (09:00 when no time). */
export function readIsoLocal(text: string, timeZone: string, defaultHour = 9): Date | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    m[4] ? Number(m[4]) : defaultHour,
    m[5] ? Number(m[5]) : 0,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const date = new Date(toZonedIso({ y: year, m: month, d: day }, hour, minute, timeZone));
  return Number.isNaN(date.getTime()) ? null : date;
}
