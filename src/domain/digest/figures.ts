import type { STAGES } from '../../db/schema/customers.js';
import { rankAtRisk, type AtRiskCustomer, type RiskRules } from './at-risk.js';

export type Stage = (typeof STAGES)[number];
const OPEN_STAGES: readonly Stage[] = ['lead', 'qualified', 'proposal', 'quote', 'negotiation'];
const isOpen = (stage: Stage) => OPEN_STAGES.includes(stage);

export type Person = { id: number; platformUserId: string; name: string | null };

/** One stage move written by a follow-up: the follow-up's stage against the customer before it. */
export type StageMove = { customerId: number; customer: string; from: Stage; to: Stage; amount: number | null };

export type RepFigures = Person & {
  followUps: number;
  followUpsLastWeek: number;
  customersTouched: number;
  newCustomers: number;
  stageMoves: StageMove[];
  /** Open customers whose next follow-up time had passed at `asOf`. */
  overdue: number;
  /** Open customers without a follow-up for longer than their tier's quiet days at `asOf`. */
  quiet: number;
};

/**
 * The figures of one team's week, as stored in `team_digests.figures` (JSON) and drawn by the
 * bot. Amounts are summed as written (the workspace's currency; mixed currencies are not converted).
 */
export type TeamFigures = {
  version: 1;
  workspaceId: number;
  team: { id: number; key: string; name: string };
  week: { startDay: string; start: string; end: string; asOf: string; complete: boolean };
  reps: RepFigures[];
  totals: {
    followUps: number;
    followUpsLastWeek: number;
    newCustomers: number;
    pipeline: { stage: Stage; count: number; amount: number }[];
    pipelineAmount: number;
    /** From last week's stored digest; null when there is none. */
    pipelineAmountLastWeek: number | null;
    won: { count: number; amount: number };
    wonLastWeek: { count: number; amount: number };
  };
  atRisk: AtRiskCustomer[];
  /** Who the reassignment picker offers: the team's active people. */
  people: Person[];
};

/** Follow-ups of one author in one of the two weeks: how many, and how many distinct customers. */
export type ActivityRow = { authorUserId: number; thisWeek: boolean; followUps: number; customers: number };

/** A follow-up that states a stage (only those can move one). */
export type FollowUpRow = {
  authorUserId: number;
  customerId: number | null;
  stage: Stage | null;
  beforeStage: Stage | null;
  amount: number | null;
  collaboration: boolean;
  occurredAt: Date;
};

export type CustomerRow = {
  id: number;
  name: string;
  ownerUserId: number | null;
  tier: 'A' | 'B' | 'C' | null;
  stage: Stage;
  amount: number | null;
  lastFollowUpAt: Date | null;
  nextFollowUpAt: Date | null;
  createdAt: Date;
};

export type WeekInput = {
  workspaceId: number;
  team: TeamFigures['team'];
  week: { startDay: string; start: Date; end: Date; previousStart: Date };
  asOf: Date;
  /** Everyone listed per rep (idle ones too), in the order shown. */
  reps: Person[];
  people: Person[];
  /** Everyone of the team, gone ones too, to name the owners of at-risk customers. */
  members: Person[];
  /** The team's people's follow-ups of both weeks, counted per author and week. */
  activity: ActivityRow[];
  /** Their follow-ups of both weeks that state a stage. */
  staged: FollowUpRow[];
  /** Every customer of the team (owned by it, any stage). */
  customers: CustomerRow[];
  pipelineAmountLastWeek: number | null;
  rules: RiskRules;
};

const DAY_MS = 86_400_000;

/** Pure: the rows of one team's week → its figures. */
export function buildFigures(input: WeekInput): TeamFigures {
  const { week, asOf } = input;
  const inWeek = (at: Date) => at >= week.start && at < week.end;
  const byId = new Map(input.customers.map((c) => [c.id, c]));
  const moveOf = (f: FollowUpRow): StageMove | null => {
    if (f.collaboration || !f.stage || !f.beforeStage || f.stage === f.beforeStage || f.customerId === null) return null;
    const customer = byId.get(f.customerId);
    return {
      customerId: f.customerId,
      customer: customer?.name ?? `#${f.customerId}`,
      from: f.beforeStage,
      to: f.stage,
      amount: f.amount ?? customer?.amount ?? null,
    };
  };
  const won = (rows: FollowUpRow[]) => {
    const moves = rows.map(moveOf).filter((m): m is StageMove => m?.to === 'won');
    return { count: moves.length, amount: moves.reduce((sum, m) => sum + (m.amount ?? 0), 0) };
  };
  const thisWeek = input.staged.filter((f) => inWeek(f.occurredAt));
  const lastWeek = input.staged.filter((f) => f.occurredAt >= week.previousStart && f.occurredAt < week.start);
  const count = (authorUserId: number | null, inThisWeek: boolean, what: 'followUps' | 'customers') =>
    input.activity
      .filter((a) => a.thisWeek === inThisWeek && (authorUserId === null || a.authorUserId === authorUserId))
      .reduce((sum, a) => sum + a[what], 0);
  const open = input.customers.filter((c) => c.ownerUserId !== null && isOpen(c.stage));
  const quietLimit = (c: CustomerRow) => input.rules.quietDays[c.tier ?? 'C'];
  const silentDays = (c: CustomerRow) => Math.floor((asOf.getTime() - (c.lastFollowUpAt ?? c.createdAt).getTime()) / DAY_MS);
  const isOverdue = (c: CustomerRow) => c.nextFollowUpAt !== null && c.nextFollowUpAt < asOf;
  const isQuiet = (c: CustomerRow) => silentDays(c) >= quietLimit(c);

  const reps: RepFigures[] = input.reps.map((rep) => {
    const mine = thisWeek.filter((f) => f.authorUserId === rep.id);
    const owned = open.filter((c) => c.ownerUserId === rep.id);
    return {
      ...rep,
      followUps: count(rep.id, true, 'followUps'),
      followUpsLastWeek: count(rep.id, false, 'followUps'),
      customersTouched: count(rep.id, true, 'customers'),
      newCustomers: input.customers.filter((c) => c.ownerUserId === rep.id && inWeek(c.createdAt)).length,
      stageMoves: mine.map(moveOf).filter((m): m is StageMove => m !== null),
      overdue: owned.filter(isOverdue).length,
      quiet: owned.filter(isQuiet).length,
    };
  });

  const pipeline = OPEN_STAGES.map((stage) => {
    const rows = open.filter((c) => c.stage === stage);
    return { stage, count: rows.length, amount: rows.reduce((sum, c) => sum + (c.amount ?? 0), 0) };
  }).filter((p) => p.count > 0);
  const owners = new Map(input.members.map((p) => [p.id, p]));
  return {
    version: 1,
    workspaceId: input.workspaceId,
    team: input.team,
    week: {
      startDay: week.startDay,
      start: week.start.toISOString(),
      end: week.end.toISOString(),
      asOf: asOf.toISOString(),
      complete: asOf >= week.end,
    },
    reps,
    totals: {
      followUps: count(null, true, 'followUps'),
      followUpsLastWeek: count(null, false, 'followUps'),
      newCustomers: input.customers.filter((c) => c.ownerUserId !== null && inWeek(c.createdAt)).length,
      pipeline,
      pipelineAmount: pipeline.reduce((sum, p) => sum + p.amount, 0),
      pipelineAmountLastWeek: input.pipelineAmountLastWeek,
      won: won(thisWeek),
      wonLastWeek: won(lastWeek),
    },
    atRisk: rankAtRisk(open, { asOf, rules: input.rules, ownerOf: (id) => owners.get(id) ?? null }),
    people: input.people,
  };
}
