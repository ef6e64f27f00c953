/** The standard note template, one `label: value` per line, in Chinese or English. */
const LABELS: Record<string, string[]> = {
  customer: ['客户', '客户名称', '公司', '单位', 'customer', 'company', 'account', 'client'],
  contact: ['联系人', '对接人', '拜访对象', 'contact', 'poc', 'point of contact'],
  channel: ['沟通方式', '跟进方式', '方式', 'channel', 'via', 'met'],
  content: ['沟通内容', '跟进内容', '内容', '情况', 'notes', 'summary', 'content'],
  needs: ['客户需求', '需求', 'needs', 'requirements', 'need'],
  nextStep: ['下一步计划', '下一步', '后续计划', '计划', 'next step', 'next steps', 'next'],
  budget: ['预算', '金额', '报价', '预计金额', '合同金额', '合同额', 'budget', 'amount'],
  stage: [
    '阶段',
    '商机阶段',
    '当前阶段',
    '目前阶段',
    '所处阶段',
    '销售阶段',
    '项目阶段',
    '跟进阶段',
    '商机状态',
    '状态',
    '进展',
    '进度',
    '结果',
    'stage',
    'status',
    'result',
    'outcome',
  ],
  date: ['下次跟进', '下次联系', '跟进时间', 'follow up', 'follow-up'],
};

/** What follows a name on a contact line: a phone number, an e-mail, a role in brackets. */
const CONTACT_EXTRAS = /\s*(?:[(（][^)）]*[)）]|[+\d][\d -]{6,}\d|[\w.+-]+@[\w.-]+|[,;，；/].*)\s*$/;

/** `label: value`, or with a dash between (`客户——云南白药`, `客户 -- 云南白药`, `客户 -> …`). */
const LINE = /^\s*([\u4e00-\u9fa5A-Za-z -]{1,12}?)\s*(?:[:：]|[—–]{1,2}|-{2,}|->)\s*(.*)$/;

export type TemplateFields = Partial<Record<keyof typeof LABELS, string>>;

/** The labelled fields, when at least two lines carry known labels; otherwise null (a free sentence). */
export function readTemplate(text: string): TemplateFields | null {
  // Lines are split at a newline or a `/` between spaces: a note with neither is one line, and one
  // line cannot carry the two labels (most notes; the split and the line pattern are skipped).
  if (!text.includes('\n') && !text.includes('/')) return null;
  const fields: TemplateFields = {};
  let hits = 0;
  for (const line of text.split(/\n|\s+\/\s+/)) {
    const m = LINE.exec(line);
    if (!m) continue;
    const label = (m[1] ?? '').trim().toLowerCase();
    const key = (Object.keys(LABELS) as (keyof typeof LABELS)[]).find((k) => LABELS[k]?.includes(label));
    if (!key || fields[key] !== undefined) continue;
    let value = (m[2] ?? '').trim();
    // `报价: 已发`, `合同额: 已签`: the label names the thing whose state the value gives, so the value keeps it.
    if (key === 'budget' && /^(?:已|未|还|没)/.test(value) && /[\u4e00-\u9fa5]/.test(label)) value = `${label}${value}`;
    // `蔡主任 13859012345`, `Erik Haugen (erik@…)`, `Owen Blake (VP Eng)`: the contact line's name.
    fields[key] = key === 'contact' ? value.replace(CONTACT_EXTRAS, '').trim() || value : value;
    hits++;
  }
  return hits >= 2 ? fields : null;
}
