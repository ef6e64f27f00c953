import type { Locale } from '../cards/i18n.js';

/** Every user-facing string of pool recycling (the owner's warning, 释放, the notice of what went back); `en` has the same keys. */
const zh = {
  warningTitle: (customer: string) => `即将回到公海 · ${customer}`,
  tier: '客户等级',
  lastFollowUp: '最近跟进',
  never: '从未跟进',
  releaseOn: '回到公海',
  warningText: (customer: string, days: number, day: string) =>
    `客户「${customer}」已 ${days} 天没有跟进，将于 ${day} 回到公海。想保留就写一条跟进记录，重新计时。`,
  keep: '保留',
  noteLabel: '跟进内容',
  notePlaceholder: '这次跟进聊了什么、下一步是什么',
  release: '释放',
  transfer: '转交',
  keepHint: '保留：写下这次跟进的内容，记录后重新计时',
  releasedLine: (by: string, at: string) => `已由 ${by} 释放到公海 · ${at}`,
  releasedToast: (customer: string) => `已把「${customer}」释放到公海`,
  already: (line: string) => `这张卡片已经处理过了：${line}`,
  actionName: { release: '释放到公海', done: '保留（已跟进）', transfer: '转交', transfer_request: '申请转交' } as Record<string, string>,
  actedLine: (action: string, by: string, at: string) => `${by} 已${action} · ${at}`,
  stale: '这个客户已不在你名下（已回到公海或已转交），这次没有改动',
  forbidden: '只有负责人或其经理可以释放这个客户',
  notFound: '找不到这条提醒',
  recycled: (count: number) => `以下 ${count} 个客户已回到公海：`,
  recycledLine: (customer: string, days: number) => `· ${customer}（${days} 天未跟进）`,
  recycledMore: (count: number) => `…还有 ${count} 个`,
  recycledHint: '想继续跟进的，可以发送 /公海 重新领取。',
  summaryTitle: (count: number) => `还有 ${count} 个客户即将回到公海`,
  summaryLine: (customer: string, day: string, days: number) => `· ${customer} · ${day}回到公海（${days} 天未跟进）`,
  summaryHint: '给客户写一条跟进即可保留；发送 /我的 查看并逐个处理',
  someone: '同事',
};

const en: typeof zh = {
  warningTitle: (customer: string) => `Returning to the pool soon · ${customer}`,
  tier: 'Tier',
  lastFollowUp: 'Last follow-up',
  never: 'Never',
  releaseOn: 'Back to the pool on',
  warningText: (customer: string, days: number, day: string) =>
    `"${customer}" has had no follow-up for ${days} days and returns to the pool on ${day}. To keep it, log a follow-up: that restarts the clock.`,
  keep: 'Keep',
  noteLabel: 'Follow-up note',
  notePlaceholder: 'What was discussed, what comes next',
  release: 'Release',
  transfer: 'Hand over',
  keepHint: 'Keep: write what this follow-up was about; logging it restarts the clock',
  releasedLine: (by: string, at: string) => `Released to the pool by ${by} · ${at}`,
  releasedToast: (customer: string) => `"${customer}" was released to the pool`,
  already: (line: string) => `This card was already handled: ${line}`,
  actionName: {
    release: 'released it',
    done: 'kept it (followed up)',
    transfer: 'handed it over',
    transfer_request: 'asked to hand it over',
  } as Record<string, string>,
  actedLine: (action: string, by: string, at: string) => `${by} ${action} · ${at}`,
  stale: 'This customer is no longer yours (back in the pool or handed over); nothing changed',
  forbidden: 'Only the owner or their manager can release this customer',
  notFound: 'This reminder no longer exists',
  recycled: (count: number) => `${count} customer${count === 1 ? '' : 's'} went back to the pool:`,
  recycledLine: (customer: string, days: number) => `· ${customer} (no follow-up for ${days} days)`,
  recycledMore: (count: number) => `…and ${count} more`,
  recycledHint: 'To keep working on one, claim it again from /pool.',
  summaryTitle: (count: number) => `${count} more customer${count === 1 ? '' : 's'} returning to the pool soon`,
  summaryLine: (customer: string, day: string, days: number) =>
    `· ${customer} · back to the pool on ${day} (${days} days without a follow-up)`,
  summaryHint: 'Log a follow-up to keep one; send /mine to see and handle them one by one',
  someone: 'A colleague',
};

export const POOL_TEXT: Record<Locale, typeof zh> = { 'zh-CN': zh, en };
