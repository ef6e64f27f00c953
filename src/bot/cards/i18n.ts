import { readStageName } from '../../domain/customers/stage-names.js';
export type Locale = 'zh-CN' | 'en';

const STAGE_LABELS = {
  'zh-CN': {
    lead: '新线索',
    qualified: '已确认需求',
    proposal: '方案阶段',
    quote: '已报价',
    negotiation: '商务谈判',
    won: '已成交',
    lost: '已丢单',
  },
  en: { lead: 'Lead', qualified: 'Qualified', proposal: 'Proposal', quote: 'Quoted', negotiation: 'Negotiation', won: 'Won', lost: 'Lost' },
} as const;

const CHANNEL_LABELS = {
  'zh-CN': { call: '电话', wechat: '微信', visit: '拜访', email: '邮件', meeting: '线上会议', other: '其他' },
  en: { call: 'Call', wechat: 'WeChat', visit: 'Visit', email: 'Email', meeting: 'Meeting', other: 'Other' },
} as const;

export type Stage = keyof (typeof STAGE_LABELS)['en'];
export type Channel = keyof (typeof CHANNEL_LABELS)['en'];

export const stageLabel = (locale: Locale, stage: Stage) => STAGE_LABELS[locale][stage];
export const channelLabel = (locale: Locale, channel: Channel) => CHANNEL_LABELS[locale][channel];

/** Reads a label typed by a person in either language, or its code; null when unknown. */
function parseLabel<K extends string>(tables: Record<Locale, Record<K, string>>, input: string): K | null {
  const value = input.trim().toLowerCase();
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const [code, label] of Object.entries(tables[locale]) as [K, string][]) {
      if (value === code || value === label.toLowerCase()) return code;
    }
  }
  return null;
}

/** Every card label (either language), code and spreadsheet name of a stage (one list, in the domain). */
export const parseStageLabel = (input: string): Stage | null => readStageName(input);
export const parseChannelLabel = (input: string): Channel | null => parseLabel<Channel>(CHANNEL_LABELS, input);

/** `¥500,000` / `$60,000`; whole numbers without decimals. */
export function formatAmount(amount: number, currency: string): string {
  const symbol = currency === 'CNY' ? '¥' : currency === 'USD' ? '$' : `${currency} `;
  return `${symbol}${AMOUNT_FORMAT.format(amount)}`;
}

/** Built once: `toLocaleString` builds a formatter per call (a reminder run draws a thousand cards). */
const AMOUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `12月2日 周三 09:00` / `Wed, Dec 2 09:00`, in the workspace zone. */
export function formatDateTime(locale: Locale, at: Date, timeZone: string): string {
  if (locale === 'zh-CN') {
    const parts = dateTimeFormat(locale, timeZone).formatToParts(at);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('month')}月${get('day')}日 ${get('weekday')} ${get('hour')}:${get('minute')}`;
  }
  return dateTimeFormat(locale, timeZone).format(at);
}

/**
 * Building an `Intl.DateTimeFormat` costs far more than formatting with one (it was the largest
 * CPU item of a reply card): one per language and zone, kept for the life of the process. Zones
 * come from the settings and workspaces, so the map stays small.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format =
      locale === 'zh-CN'
        ? new Intl.DateTimeFormat('zh-CN', {
            timeZone,
            month: 'numeric',
            day: 'numeric',
            weekday: 'short',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          })
        : new Intl.DateTimeFormat('en-US', {
            timeZone,
            weekday: 'short',
            month: 'short',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** Every fixed string of the bot's cards and replies; `en` must have the same keys (checked by the type). */
const zh = {
  saved: '已记录跟进',
  undone: '已撤销这条跟进',
  edited: '已更新跟进',
  pickCustomer: '这条跟进是哪个客户？',
  pickCustomerHint: '找到了几个相近的客户，点一下正确的那个；都不是就新建。',
  newCustomer: (name: string) => `新建客户「${name}」`,
  newCustomerNoName: '新建客户',
  createdCustomer: '新客户已创建，归属于你',
  customer: '客户',
  contact: '联系人',
  channel: '方式',
  stage: '阶段',
  amount: '金额',
  nextFollowUp: '下次跟进',
  nextStep: '下一步',
  needs: '客户需求',
  summary: '内容',
  edit: '修改',
  undo: '撤销',
  save: '保存',
  editTitle: '修改跟进',
  editHint: '日期可写 2026-12-02 15:00、下周三、3天后；清空一项即删除它。',
  editByMessage: (id: number) => `回复「/改 ${id} 要改的内容」来修改，例如：/改 ${id} 金额60万 下周五再联系`,
  editUsage: '用法：/改 跟进编号 要改的内容，例如 /改 42 金额60万 下周五再联系',
  editNothing: '没有从这句话里读到要改的字段（联系人、方式、阶段、金额、下次跟进、下一步、需求）',
  alreadyUndone: '这条跟进已经撤销过了',
  alreadyDone: '这条跟进已经处理过了',
  ownedByOther: (owner: string) => `这个客户归 ${owner} 负责`,
  ownedByOtherHint:
    '这条跟进还没有记录。可以记为协作跟进（留在客户记录里，负责人会收到通知，客户的阶段、金额和下次跟进不变），或申请把客户转给你。',
  recordAsCollaboration: '记为协作跟进',
  requestTransfer: '申请转交',
  collaborationSaved: '已记为协作跟进，负责人已收到通知',
  collaborationNotice: (author: string, customer: string) => `${author} 记录了你的客户「${customer}」的一条协作跟进`,
  someone: '同事',
  forbidden: '只有记录人可以修改或撤销这条跟进',
  notFound: '找不到这条跟进，可能已被删除',
  tryAgain: '处理超时，请稍后再点一次',
  noteLost: '没能记录这条跟进，请重新发送',
  clickLost: '刚才的操作没能完成，请再点一次',
  badInput: (what: string) => `没看懂：${what}`,
  helpTitle: 'genjin 跟进助手',
  helpText:
    '通话、拜访后直接发一句话给我，我会记成一条跟进：客户、联系人、方式、阶段、金额、下次跟进时间。\n\n例 1：今天给云帆科技王总打电话,预算50万,下周三上门演示\n例 2：微信跟进华信银行张行长,报价已发,3天后再联系\n\n也可以用模板：客户:… / 联系人:… / 沟通内容:… / 下一步计划:… / 预算:…',
  helpCommands:
    '命令：/查 客户名 · /我的（今天到期和逾期的跟进）· /改 编号 内容 · /公海（领取客户）· /释放 客户名 · /转 客户名 @同事（经理）· /交接 @离职同事 @接手同事（经理）· /周报（本周至今）· /帮助',
  notUnderstood:
    '没能从这句话里看出客户或跟进内容，所以没有记录。试试写上客户名称和做了什么，例如：今天给云帆科技王总打电话,下周三上门演示。发 /帮助 查看更多写法。',
  findUsage: '用法：/查 客户名，例如 /查 云帆',
  findNone: (q: string) => `没有找到名称包含「${q}」的客户`,
  findMany: (q: string) => `「${q}」匹配到多个客户，请写得更完整：`,
  owner: '负责人',
  pool: '公海',
  lastFollowUps: '最近跟进',
  noFollowUps: '还没有跟进记录',
};

const en: typeof zh = {
  saved: 'Follow-up logged',
  undone: 'Follow-up undone',
  edited: 'Follow-up updated',
  pickCustomer: 'Which customer is this about?',
  pickCustomerHint: 'Several customers look alike: tap the right one, or create a new one.',
  newCustomer: (name: string) => `New customer "${name}"`,
  newCustomerNoName: 'New customer',
  createdCustomer: 'New customer created and assigned to you',
  customer: 'Customer',
  contact: 'Contact',
  channel: 'Channel',
  stage: 'Stage',
  amount: 'Amount',
  nextFollowUp: 'Next follow-up',
  nextStep: 'Next step',
  needs: 'Needs',
  summary: 'Notes',
  edit: 'Edit',
  undo: 'Undo',
  save: 'Save',
  editTitle: 'Edit follow-up',
  editHint: 'Dates like 2026-12-02 15:00, next Wednesday or in 3 days; clear a field to remove it.',
  editByMessage: (id: number) => `Reply "/edit ${id} what to change" to edit it, e.g. /edit ${id} budget 60k, follow up next Friday`,
  editUsage: 'Usage: /edit follow-up-number what to change, e.g. /edit 42 budget 60k, follow up next Friday',
  editNothing: 'Found nothing to change in that message (contact, channel, stage, amount, next follow-up, next step, needs)',
  alreadyUndone: 'This follow-up was already undone',
  alreadyDone: 'This follow-up was already handled',
  ownedByOther: (owner: string) => `This customer belongs to ${owner}`,
  ownedByOtherHint:
    "This follow-up is not logged yet. Keep it as a collaboration note (in the customer's history; the owner is told; stage, amount and next date stay the owner's), or ask for the customer to be transferred to you.",
  recordAsCollaboration: 'Log as collaboration',
  requestTransfer: 'Request transfer',
  collaborationSaved: 'Logged as a collaboration note; the owner was told',
  collaborationNotice: (author: string, customer: string) => `${author} logged a collaboration note on your customer "${customer}"`,
  someone: 'A colleague',
  forbidden: 'Only the person who logged this follow-up can edit or undo it',
  notFound: 'This follow-up no longer exists',
  tryAgain: 'That took too long; please tap again in a moment',
  noteLost: 'Could not log this follow-up; please send it again',
  clickLost: 'That action could not be completed; please tap again',
  badInput: (what: string) => `Could not read: ${what}`,
  helpTitle: 'genjin follow-up assistant',
  helpText:
    'After a call or visit, send me one sentence and I log it as a follow-up: customer, contact, channel, stage, amount and next follow-up date.\n\nExample 1: Called Contoso Ltd, spoke with Mark Chen. Budget about 60k. Follow up on Dec 4.\nExample 2: Met with Wayne Enterprises today, they are reviewing the proposal. Check back in 2 weeks.',
  helpCommands:
    'Commands: /find name · /mine (due today and overdue) · /edit number changes · /pool (claim customers) · /release name · /reassign name @colleague (managers) · /handover @leaving @taking-over (managers) · /digest (this week so far) · /help',
  notUnderstood:
    'I could not find a customer or anything to log in that message, so nothing was saved. Name the customer and what happened, e.g. "Called Contoso Ltd, follow up on Dec 4". Send /help for more.',
  findUsage: 'Usage: /find customer name, e.g. /find Contoso',
  findNone: (q: string) => `No customer matches "${q}"`,
  findMany: (q: string) => `"${q}" matches several customers; be more specific:`,
  owner: 'Owner',
  pool: 'Public pool',
  lastFollowUps: 'Recent follow-ups',
  noFollowUps: 'No follow-ups yet',
};

export const TEXT: Record<Locale, typeof zh> = { 'zh-CN': zh, en };
