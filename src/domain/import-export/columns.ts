/**
 * The spreadsheet columns of import and export: one key per column with its Chinese and English
 * header. Headers match after trimming and case folding, in any order; export writes them in
 * this order. `team` is written by export and read back without effect: a customer's team is
 * its owner's team.
 */
export const COLUMNS = [
  { key: 'name', zh: '客户名称', en: 'name' },
  { key: 'contact', zh: '联系人', en: 'contact' },
  { key: 'phone', zh: '电话', en: 'phone' },
  { key: 'owner', zh: '负责人', en: 'owner' },
  { key: 'team', zh: '团队', en: 'team' },
  { key: 'stage', zh: '阶段', en: 'stage' },
  { key: 'tier', zh: '等级', en: 'tier' },
  { key: 'tags', zh: '标签', en: 'tags' },
  { key: 'amount', zh: '金额', en: 'amount' },
  { key: 'lastFollowUpAt', zh: '最近跟进', en: 'lastFollowUpAt' },
  { key: 'nextFollowUpAt', zh: '下次跟进', en: 'nextFollowUpAt' },
  { key: 'notes', zh: '备注', en: 'notes' },
] as const;

export type ColumnKey = (typeof COLUMNS)[number]['key'];
export type HeaderLanguage = 'zh' | 'en';

const fold = (header: string) => header.normalize('NFKC').trim().toLowerCase();
const BY_HEADER = new Map<string, ColumnKey>(COLUMNS.flatMap((c) => [[fold(c.zh), c.key] as const, [fold(c.en), c.key] as const]));

export type HeaderMap = {
  /** Column index (0-based) of each known column. */
  index: Partial<Record<ColumnKey, number>>;
  /** Headers that name no column, as written; their cells are ignored. */
  unknown: string[];
  /** A column named twice (`客户名称` and `name`): the first one is read. */
  repeated: string[];
};

/** Which column holds what, from the header row. */
export function mapHeaders(headers: readonly string[]): HeaderMap {
  const map: HeaderMap = { index: {}, unknown: [], repeated: [] };
  headers.forEach((header, i) => {
    if (header.trim() === '') return;
    const key = BY_HEADER.get(fold(header));
    if (!key) map.unknown.push(header.trim());
    else if (map.index[key] !== undefined) map.repeated.push(header.trim());
    else map.index[key] = i;
  });
  return map;
}

export const headerOf = (key: ColumnKey, language: HeaderLanguage) => COLUMNS.find((c) => c.key === key)![language];
