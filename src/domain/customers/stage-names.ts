import type { STAGES } from '../../db/schema/index.js';

export type Stage = (typeof STAGES)[number];

/**
 * What people write for a stage, in a spreadsheet's 阶段 column or the edit form: the names of
 * issue #13 (the first one is what export writes), the bot's card labels (src/bot/cards/i18n.ts)
 * and the English codes and labels.
 */
const NAMES: Record<Stage, readonly string[]> = {
  lead: ['新线索', '初次接触', '线索', 'lead'],
  qualified: ['需求确认', '已确认需求', 'qualified'],
  proposal: ['方案', '方案阶段', 'proposal'],
  quote: ['报价', '已报价', 'quote', 'quoted'],
  negotiation: ['谈判', '商务谈判', 'negotiation'],
  won: ['赢单', '已成交', '成交', 'won'],
  lost: ['输单', '已丢单', '丢单', 'lost'],
};

const BY_NAME = new Map<string, Stage>(
  (Object.entries(NAMES) as [Stage, readonly string[]][]).flatMap(([stage, names]) => names.map((n) => [n.toLowerCase(), stage] as const)),
);

/** The stage a cell names, or null when it names none. */
export const readStageName = (text: string): Stage | null => BY_NAME.get(text.normalize('NFKC').trim().toLowerCase()) ?? null;

/** The name export writes: Chinese under Chinese headers, the code under English ones. */
export const stageName = (stage: Stage, language: 'zh' | 'en'): string => (language === 'zh' ? NAMES[stage][0]! : stage);
