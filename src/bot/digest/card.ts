import type { Person, RepFigures, TeamFigures } from '../../domain/digest/figures.js';
import { formatLocalIso } from '../../domain/notes/civil-time.js';
import type { Card, CardRow, CardSection } from '../../messaging/types.js';
import { cappedLines } from '../cards/capped-lines.js';
import { formatAmount, stageLabel, type Locale } from '../cards/i18n.js';
import { DIGEST_TEXT, signed } from './text.js';

export const DIGEST_REASSIGN = 'dg.reassign';
/** Stage moves listed on a rep's row before "…". */
const MAX_MOVES = 3;

export type DigestCardOptions = {
  locale: Locale;
  timeZone: string;
  /** `weekly`: the Monday digest; `so_far`: a manager's `/周报`; `own`: a rep's `/周报`. */
  scope: 'weekly' | 'so_far' | 'own';
  /** The stored digest the card shows; its at-risk rows then carry the reassignment picker. */
  digestId?: number;
  /** Current owners of the at-risk customers, when redrawn after a move. */
  owners?: Map<number, Person | null>;
};

const nameOf = (p: Pick<Person, 'name' | 'platformUserId'> | null | undefined) => (p ? (p.name ?? p.platformUserId) : '?');
const day = (at: Date, timeZone: string) => formatLocalIso(at, timeZone).slice(5, 10).replace('-', '/');
const money = (n: number) => formatAmount(n, 'CNY');

/**
 * The digest as a neutral card, readable on a phone: the team's totals as facts, the chart of
 * follow-ups per rep (text rows where the platform cannot draw it), a row per rep (idle ones
 * named), the pipeline by stage, and the five customers most at risk with a picker.
 */
export function digestCard(f: TeamFigures, o: DigestCardOptions): Card {
  const t = DIGEST_TEXT[o.locale];
  const from = day(new Date(f.week.start), o.timeZone);
  const to = day(new Date(Math.min(Date.parse(f.week.end) - 1, Date.parse(f.week.asOf))), o.timeZone);
  const title =
    o.scope === 'own'
      ? t.titleOwn(nameOf(f.reps[0]), from, to)
      : o.scope === 'so_far'
        ? t.titleSoFar(f.team.name, from, to)
        : t.title(f.team.name, from, to);
  const { totals } = f;
  const pipelineChange = totals.pipelineAmountLastWeek === null ? null : signedMoney(totals.pipelineAmount - totals.pipelineAmountLastWeek);
  const fields = [
    { label: t.followUps, value: t.followUpsValue(totals.followUps, totals.followUpsLastWeek) },
    { label: t.won, value: t.wonValue(totals.won.count, money(totals.won.amount), totals.wonLastWeek.count) },
    { label: t.pipeline, value: t.pipelineValue(money(totals.pipelineAmount), pipelineChange) },
    { label: t.newCustomers, value: String(totals.newCustomers) },
  ];
  const sections: CardSection[] = [{ title: t.reps, rows: f.reps.map((rep) => repRow(rep, o.locale)) }];
  if (totals.pipeline.length > 0)
    sections.push({
      title: t.pipelineByStage,
      rows: totals.pipeline.map((p) => ({ text: t.stageRow(stageLabel(o.locale, p.stage), p.count, money(p.amount)) })),
    });
  sections.push({ title: t.atRisk, rows: f.atRisk.length > 0 ? f.atRisk.map((r) => riskRow(f, r, o)) : [{ text: t.noAtRisk }] });
  return {
    title,
    tone: f.atRisk.length > 0 ? 'orange' : 'blue',
    fields,
    ...(f.reps.length > 0
      ? {
          chart: {
            title: t.chartTitle,
            categories: f.reps.map((r) => nameOf(r)),
            series: [
              { name: t.thisWeek, values: f.reps.map((r) => r.followUps) },
              { name: t.lastWeek, values: f.reps.map((r) => r.followUpsLastWeek) },
            ],
          },
        }
      : {}),
    sections,
    ...(o.digestId !== undefined && f.atRisk.length > 0 ? { notes: [t.ranking] } : {}),
  };
}

function repRow(rep: RepFigures, locale: Locale): CardRow {
  const t = DIGEST_TEXT[locale];
  const shown = cappedLines(
    rep.stageMoves,
    MAX_MOVES,
    (m) => {
      const arrow = t.moveArrow(stageLabel(locale, m.from), stageLabel(locale, m.to));
      return `${m.customer} ${arrow}${m.to === 'won' && m.amount !== null ? ` ${money(m.amount)}` : ''}`;
    },
    (rest) => `…+${rest}`,
  );
  return {
    text: rep.followUps === 0 ? t.idle(nameOf(rep)) : nameOf(rep),
    fields: [
      { label: t.repFollowUps, value: t.repFollowUpsValue(rep.followUps, rep.followUpsLastWeek) },
      { label: t.touched, value: String(rep.customersTouched) },
      { label: t.repNew, value: String(rep.newCustomers) },
      ...(shown.length > 0 ? [{ label: t.moves, value: shown.join('；') }] : []),
      { label: t.overdue, value: String(rep.overdue) },
      { label: t.quiet, value: String(rep.quiet) },
    ],
  };
}

function riskRow(f: TeamFigures, r: TeamFigures['atRisk'][number], o: DigestCardOptions): CardRow {
  const t = DIGEST_TEXT[o.locale];
  const facts = [
    ...(r.overdueDays > 0 ? [t.overdueDays(r.overdueDays)] : []),
    ...(r.silentDays >= r.quietLimit ? [t.silentDays(r.silentDays, r.quietLimit)] : []),
    stageLabel(o.locale, r.stage),
  ];
  // One line: where rows become text (WeCom), a row is never cut between two cards.
  const text = [t.riskRow(r.name, nameOf(r.owner)), ...facts].join(' · ');
  const fields = [{ label: t.amount, value: r.amount === null ? '—' : money(r.amount) }];
  const now = o.owners?.get(r.customerId);
  if (o.owners && now !== undefined && now?.id !== r.ownerId)
    return { text, fields: [...fields, { label: t.status, value: t.movedTo(nameOf(now)) }] };
  const people = f.people.filter((p) => p.id !== r.ownerId).map((p) => ({ id: p.platformUserId, name: nameOf(p) }));
  return {
    text,
    fields,
    ...(o.digestId !== undefined && people.length > 0
      ? {
          control: {
            kind: 'person' as const,
            name: 'to',
            placeholder: t.reassignPlaceholder,
            people,
            submitLabel: t.reassign,
            action: { name: DIGEST_REASSIGN, args: { d: String(o.digestId), c: String(r.customerId), f: String(r.ownerId) } },
          },
        }
      : {}),
  };
}

function signedMoney(n: number): string {
  return n === 0 ? signed(0) : `${n > 0 ? '+' : '-'}${money(Math.abs(n))}`;
}
