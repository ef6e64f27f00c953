import { normalizeCustomerName } from '../customers/normalize-name.js';
import type { ColumnKey, HeaderMap } from './columns.js';
import { cellText, readAmount, readDate, readOwner, readTags, readTier, type Cell, type CellDate, type Owner } from './read-values.js';
import { readStageName, type Stage } from '../customers/stage-names.js';

/** One spreadsheet row, read and checked; a field left undefined was blank and changes nothing. */
export type ImportRow = {
  /** Spreadsheet row number (the header is row 1). */
  rowNumber: number;
  name: string;
  normalizedName: string;
  contact?: string;
  phone?: string;
  /** null: the owner cell is blank (a new customer goes to the pool, an existing one keeps its owner). */
  owner: Owner | null;
  stage?: Stage;
  tier?: 'A' | 'B' | 'C';
  tags?: string[];
  amount?: { amount: number; currency: string };
  lastFollowUpAt?: CellDate;
  nextFollowUpAt?: CellDate;
  notes?: string;
};

export type ParsedRow = { ok: true; row: ImportRow } | { ok: false; rowNumber: number; reason: string } | { ok: 'blank' };

const LIMITS = { name: 200, contact: 100, phone: 32 } as const;

/** Reads one row by the header map; pure. Every problem of the row is named in its reason. */
export function parseRow(
  cells: readonly Cell[],
  rowNumber: number,
  headers: HeaderMap,
  opts: { timeZone: string; defaultHour: number },
): ParsedRow {
  const cell = (key: ColumnKey): Cell => {
    const i = headers.index[key];
    return i === undefined ? null : (cells[i] ?? null);
  };
  if (cells.every((c) => cellText(c ?? null) === '')) return { ok: 'blank' };
  const problems: string[] = [];
  const name = cellText(cell('name'));
  const normalizedName = normalizeCustomerName(name);
  if (name === '') problems.push('客户名称 is empty');
  else if (!normalizedName) problems.push(`客户名称 "${name}" has no letters or digits`);
  else if (name.length > LIMITS.name) problems.push(`客户名称 is longer than ${LIMITS.name} characters`);

  const row: ImportRow = { rowNumber, name, normalizedName, owner: readOwner(cell('owner')) };
  const contact = cellText(cell('contact'));
  if (contact.length > LIMITS.contact) problems.push(`联系人 is longer than ${LIMITS.contact} characters`);
  else if (contact) row.contact = contact;
  const phone = cellText(cell('phone'));
  if (phone.length > LIMITS.phone) problems.push(`电话 is longer than ${LIMITS.phone} characters`);
  else if (phone) row.phone = phone;

  const stageText = cellText(cell('stage'));
  if (stageText) {
    const stage = readStageName(stageText);
    if (stage) row.stage = stage;
    else problems.push(`阶段 "${stageText}" is not a stage (新线索, 需求确认, 方案, 报价, 谈判, 赢单, 输单)`);
  }
  const tier = readTier(cell('tier'));
  if (!tier.ok) problems.push(tier.reason);
  else if (tier.value) row.tier = tier.value;
  const tags = readTags(cell('tags'));
  if (tags) row.tags = tags;
  const amount = readAmount(cell('amount'));
  if (!amount.ok) problems.push(`金额 ${amount.reason}`);
  else if (amount.value) row.amount = amount.value;
  for (const [key, label] of [
    ['lastFollowUpAt', '最近跟进'],
    ['nextFollowUpAt', '下次跟进'],
  ] as const) {
    const date = readDate(cell(key), opts.timeZone, opts.defaultHour);
    if (!date.ok) problems.push(`${label} ${date.reason}`);
    else if (date.value) row[key] = date.value;
  }
  const notes = cellText(cell('notes'));
  if (notes) row.notes = notes;

  return problems.length ? { ok: false, rowNumber, reason: problems.join('; ') } : { ok: true, row };
}
