import type { Locale } from '../cards/i18n.js';

/** The answers of the reminder card's buttons; `en` must have the same keys (checked by the type). */
const zh = {
  askNote: '请直接发送这次跟进的内容（30分钟内有效）',
  noteEmpty: '请先写下这次跟进的内容',
  pickDate: '请先选择新的跟进日期',
  pastDate: '不能改到今天之前的日期',
  forbidden: '只有客户的负责人、负责人的经理或管理员可以处理这条提醒',
  notFound: '找不到这个客户，可能已被删除',
  spent: (what: string, by: string, at: string) => `这条提醒已由 ${by} 在 ${at} 处理（${what}），这次没有改动`,
  spentUnknown: '这条提醒已经处理过了（卡片已过时），这次没有改动',
  pickTransfer: '选择要转交的同事',
  pickTransferHint: '选好同事后点按钮：经理会直接转交，其他人会发出转交申请',
  noColleagues: '没有可以转交的同事',
};

const en: typeof zh = {
  askNote: 'Send what happened in this follow-up as your next message (within 30 minutes)',
  noteEmpty: 'Please write the follow-up note first',
  pickDate: 'Please pick the new follow-up date first',
  pastDate: 'The new date cannot be before today',
  forbidden: "Only the customer's owner, the owner's manager or an admin can act on this reminder",
  notFound: 'This customer no longer exists',
  spent: (what, by, at) => `${by} already handled this reminder at ${at} (${what}); nothing changed`,
  spentUnknown: 'This reminder was already handled (the card is out of date); nothing changed',
  pickTransfer: 'Pick the colleague to hand over to',
  pickTransferHint: 'Pick a colleague, then tap the button: a manager hands over directly, anyone else sends a request',
  noColleagues: 'There is no colleague to hand this customer to',
};

export const REM_ACTION_TEXT: Record<Locale, typeof zh> = { 'zh-CN': zh, en };
