import type { Locale } from '../cards/i18n.js';

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `11月27日` / `Nov 27`: a local day. (A job draws thousands of cards: one formatter per locale and zone.) */
export function formatDay(locale: Locale, at: Date, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', {
      timeZone,
      month: locale === 'zh-CN' ? 'numeric' : 'short',
      day: 'numeric',
    });
    dayFormats.set(key, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return locale === 'zh-CN' ? `${get('month')}月${get('day')}日` : `${get('month')} ${get('day')}`;
}

/** Every user-facing string of escalations (the manager's card, its buttons, the owner's nudge); `en` has the same keys. */
const zh = {
  title: (customer: string) => `逾期未跟进 · ${customer}`,
  customer: '客户',
  owner: '负责人',
  overdue: '逾期',
  overdueDays: (days: number) => `已逾期 ${days} 天`,
  lastFollowUp: '最近跟进',
  noFollowUp: '暂无跟进记录',
  lastLine: (day: string, who: string, summary: string) => `${day} ${who}：${summary}`,
  text: (owner: string, customer: string, due: string, days: number) =>
    `${owner} 的客户「${customer}」计划 ${due} 跟进，提醒发出 ${days} 个工作日后仍未跟进。`,
  nudge: '提醒TA',
  release: '放入公海',
  reassignPlaceholder: '选择接手的同事',
  reassign: '转给TA',
  nudgeText: (manager: string, customer: string, days: number) =>
    `${manager} 提醒你：客户「${customer}」已逾期 ${days} 天未跟进。跟进后发一句话给我就会记下；发送 /我的 查看所有待跟进客户。`,
  releasedText: (manager: string, customer: string) => `你的客户「${customer}」已由 ${manager} 放入公海`,
  actedLine: {
    nudge: (by: string, at: string) => `已由 ${by} 提醒负责人 · ${at}`,
    reassign: (by: string, to: string, at: string) => `已由 ${by} 转给 ${to} · ${at}`,
    release: (by: string, at: string) => `已由 ${by} 放入公海 · ${at}`,
  },
  nudgedToast: (owner: string) => `已提醒 ${owner}`,
  releasedToast: '已放入公海',
  reassignedToast: (to: string) => `已转给 ${to}`,
  already: (line: string) => `这件事已经处理过了：${line}`,
  forbidden: '只有该团队的经理或管理员可以处理这条逾期提醒',
  notFound: '找不到这条逾期提醒',
  inPool: '这个客户已经在公海了，这次没有改动',
  pickFirst: '请先选择一位同事',
  someone: '同事',
  summaryTitle: (count: number) => `还有 ${count} 个客户逾期未跟进`,
  summaryLine: (customer: string, owner: string, days: number) => `· ${customer} · ${owner} · 已逾期 ${days} 天`,
  summaryMore: (count: number) => `…还有 ${count} 个`,
  summaryHint: '发送 /查 客户名 查看客户并转交；负责人跟进后自动消除',
};

const en: typeof zh = {
  title: (customer: string) => `Overdue follow-up · ${customer}`,
  customer: 'Customer',
  owner: 'Owner',
  overdue: 'Overdue',
  overdueDays: (days: number) => `${days} day${days === 1 ? '' : 's'} overdue`,
  lastFollowUp: 'Last follow-up',
  noFollowUp: 'No follow-up yet',
  lastLine: (day: string, who: string, summary: string) => `${day} ${who}: ${summary}`,
  text: (owner: string, customer: string, due: string, days: number) =>
    `${owner} planned to follow up with "${customer}" on ${due} and has not, ${days} working days after the reminder.`,
  nudge: 'Nudge',
  release: 'Release to pool',
  reassignPlaceholder: 'Pick the new owner',
  reassign: 'Assign',
  nudgeText: (manager: string, customer: string, days: number) =>
    `${manager} reminds you: "${customer}" is ${days} day${days === 1 ? '' : 's'} overdue for a follow-up. Send me one sentence once you have followed up; send /mine for all your due customers.`,
  releasedText: (manager: string, customer: string) => `Your customer "${customer}" was released to the pool by ${manager}`,
  actedLine: {
    nudge: (by: string, at: string) => `Owner nudged by ${by} · ${at}`,
    reassign: (by: string, to: string, at: string) => `Moved to ${to} by ${by} · ${at}`,
    release: (by: string, at: string) => `Released to the pool by ${by} · ${at}`,
  },
  nudgedToast: (owner: string) => `${owner} was nudged`,
  releasedToast: 'Released to the pool',
  reassignedToast: (to: string) => `Moved to ${to}`,
  already: (line: string) => `Already handled: ${line}`,
  forbidden: "Only a manager of the customer's team or an admin can act on this",
  notFound: 'This escalation no longer exists',
  inPool: 'This customer is already in the pool; nothing changed',
  pickFirst: 'Pick a colleague first',
  someone: 'A colleague',
  summaryTitle: (count: number) => `${count} more customer${count === 1 ? '' : 's'} overdue for a follow-up`,
  summaryLine: (customer: string, owner: string, days: number) => `· ${customer} · ${owner} · ${days} day${days === 1 ? '' : 's'} overdue`,
  summaryMore: (count: number) => `…and ${count} more`,
  summaryHint: 'Send /find name to open a customer and reassign it; it clears once the owner follows up',
};

export const ESC_TEXT: Record<Locale, typeof zh> = { 'zh-CN': zh, en };
