import type { Locale } from '../cards/i18n.js';

/** Every fixed string of the reminder cards and `/我的`; `en` must have the same keys (checked by the type). */
const zh = {
  contact: '联系人',
  stage: '阶段',
  amount: '金额',
  lastFollowUp: '上次跟进',
  nextStep: '计划下一步',
  status: '状态',
  never: '还没有跟进记录',
  dueToday: (time: string) => `今天 ${time} 到期`,
  overdue: (days: number) => `已逾期 ${days} 天`,
  quiet: (days: number) => `${days} 天未跟进`,
  quietNever: (days: number) => `建档 ${days} 天未跟进`,
  summaryTitle: (count: number) => `还有 ${count} 个客户待跟进`,
  summaryMore: (count: number) => `…还有 ${count} 个`,
  summaryHint: '发送 /我的 查看全部',
  mineTitle: '我的待跟进客户',
  mineNone: '今天没有到期、逾期或久未跟进的客户 🎉',
  mineOverdue: '已逾期',
  mineDueToday: '今天到期',
  mineQuiet: '久未跟进',
  mineRest: (count: number) => `还有 ${count} 个客户未列出，先处理上面的吧`,
  acted: {
    done: '已跟进',
    postponed: (to: string) => `已推迟到 ${to}`,
    rescheduled: (to: string) => `已改期到 ${to}`,
    transferred: (to: string) => `已转交给 ${to}`,
    requested: (to: string) => `已申请转交给 ${to}`,
  },
};

const en: typeof zh = {
  contact: 'Contact',
  stage: 'Stage',
  amount: 'Amount',
  lastFollowUp: 'Last follow-up',
  nextStep: 'Planned next step',
  status: 'Status',
  never: 'No follow-up yet',
  dueToday: (time) => `Due today at ${time}`,
  overdue: (days) => `${days} day${days === 1 ? '' : 's'} overdue`,
  quiet: (days) => `No follow-up for ${days} days`,
  quietNever: (days) => `No follow-up in the ${days} days since it was added`,
  summaryTitle: (count) => `${count} more customer${count === 1 ? '' : 's'} to follow up`,
  summaryMore: (count) => `…and ${count} more`,
  summaryHint: 'Send /mine to see them all',
  mineTitle: 'My customers to follow up',
  mineNone: 'Nothing due, overdue or quiet today 🎉',
  mineOverdue: 'Overdue',
  mineDueToday: 'Due today',
  mineQuiet: 'Quiet',
  mineRest: (count) => `${count} more not listed; start with these`,
  acted: {
    done: 'Followed up',
    postponed: (to) => `Postponed to ${to}`,
    rescheduled: (to) => `Rescheduled to ${to}`,
    transferred: (to) => `Handed over to ${to}`,
    requested: (to) => `Handover to ${to} requested`,
  },
};

export const REMINDER_TEXT: Record<Locale, typeof zh> = { 'zh-CN': zh, en };
