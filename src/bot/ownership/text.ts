import type { Locale } from '../cards/i18n.js';

/** `11月25日 10:02` / `Nov 25 10:02`, in the workspace zone: when a customer moved. */
export function formatMoment(locale: Locale, at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', {
    timeZone,
    month: locale === 'zh-CN' ? 'numeric' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return locale === 'zh-CN'
    ? `${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}`
    : `${get('month')} ${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Every user-facing string of ownership (roles, /查 scoping, reassignment, requests); `en` has the same keys. */
const zh = {
  inPool: '公海',
  yes: '是',
  no: '否',
  limitedNote: (owner: string) => `这是 ${owner} 负责的客户：只显示名称、负责人和是否在公海`,
  groupNote: '群聊里只显示大家都能看的内容；私聊我 /查 客户名 查看详情',
  reassignPlaceholder: '选择接手的同事',
  reassign: '转给TA',
  requestPlaceholder: '选择要转给的同事',
  requestTransfer: '申请转交',
  pickFirst: '请先选择一位同事',
  movedLine: (by: string, to: string, at: string) => `已由 ${by} 转给 ${to} · ${at}`,
  movedToast: (to: string) => `已转给 ${to}`,
  movedToYou: (by: string, customer: string) => `${by} 把客户「${customer}」转给了你`,
  movedAway: (by: string, customer: string, to: string) => `你的客户「${customer}」已由 ${by} 转给 ${to}`,
  stale: (owner: string | null) =>
    owner ? `这个客户现在归 ${owner} 负责（卡片已过时），这次没有改动` : '这个客户已回到公海（卡片已过时），这次没有改动',
  forbidden: '你没有权限转交这个客户',
  customerNotFound: '找不到这个客户',
  targetNotFound: '找不到这位同事',
  targetInactive: '这位同事已停用，不能接收客户',
  targetOutOfScope: '只能转给你管理的在职同事',
  sameOwner: '这个客户已经由 TA 负责',
  noApprovers: '没有找到可以审批的经理或管理员',
  requestSent: (approvers: string) => `已提交给 ${approvers} 审批`,
  requestPending: (to: string, approvers: string) => `已申请转给 ${to}，等待 ${approvers} 审批`,
  alreadyRequested: (approvers: string) => `这个申请已经在等 ${approvers} 审批了`,
  requestTitle: (customer: string) => `转交申请 · ${customer}`,
  requestText: (requester: string, customer: string, from: string, to: string) =>
    `${requester} 申请把客户「${customer}」从 ${from} 转给 ${to}`,
  requester: '申请人',
  from: '现负责人',
  to: '转给',
  approve: '同意',
  reject: '拒绝',
  approvedLine: (by: string, at: string) => `${by} 已同意 · ${at}`,
  rejectedLine: (by: string, at: string) => `${by} 已拒绝 · ${at}`,
  approvedToast: '已同意，客户已转交',
  rejectedToast: '已拒绝，申请人会收到通知',
  requestApproved: (customer: string, to: string, by: string) => `你的转交申请已通过：客户「${customer}」已由 ${by} 转给 ${to}`,
  requestRejected: (customer: string, by: string) => `${by} 拒绝了你的转交申请：客户「${customer}」`,
  alreadyDecided: (status: string) => `这个申请已经处理过了（${status}）`,
  status: { approved: '已同意', rejected: '已拒绝', cancelled: '已取消', pending: '待审批' } as Record<string, string>,
  requestStale: (owner: string | null) => `客户已经转给了 ${owner ?? '公海'}，申请已取消`,
  requestDone: '申请已处理',
  notYourNote: '只有记录这条跟进的人可以申请把客户转给自己',
  reassignUsage: '用法：/转 客户名 @同事，例如 /转 云帆科技 @李四',
  reassignWho: (name: string) => `没找到同事「${name}」：请 @ 一位同事（重名时请从成员列表里 @）`,
  reassignOnePerson: '请只 @ 一位接手的同事',
};

const en: typeof zh = {
  inPool: 'In the pool',
  yes: 'Yes',
  no: 'No',
  limitedNote: (owner: string) => `${owner}'s customer: only the name, the owner and whether it is in the pool are shown`,
  groupNote: 'In a group only what everyone may see is shown; send me /find name directly for the details',
  reassignPlaceholder: 'Pick the new owner',
  reassign: 'Assign',
  requestPlaceholder: 'Pick a colleague',
  requestTransfer: 'Request transfer',
  pickFirst: 'Pick a colleague first',
  movedLine: (by: string, to: string, at: string) => `Moved to ${to} by ${by} · ${at}`,
  movedToast: (to: string) => `Moved to ${to}`,
  movedToYou: (by: string, customer: string) => `${by} assigned the customer "${customer}" to you`,
  movedAway: (by: string, customer: string, to: string) => `Your customer "${customer}" was moved to ${to} by ${by}`,
  stale: (owner: string | null) =>
    owner
      ? `This customer now belongs to ${owner} (the card was out of date); nothing changed`
      : 'This customer is back in the pool (the card was out of date); nothing changed',
  forbidden: 'You may not move this customer',
  customerNotFound: 'Customer not found',
  targetNotFound: 'Colleague not found',
  targetInactive: 'This colleague is deactivated and cannot own customers',
  targetOutOfScope: 'You can only assign to active people you manage',
  sameOwner: 'This customer already belongs to them',
  noApprovers: 'No manager or admin was found to approve this',
  requestSent: (approvers: string) => `Sent to ${approvers} for approval`,
  requestPending: (to: string, approvers: string) => `Transfer to ${to} requested; waiting for ${approvers}`,
  alreadyRequested: (approvers: string) => `This request is already waiting for ${approvers}`,
  requestTitle: (customer: string) => `Transfer request · ${customer}`,
  requestText: (requester: string, customer: string, from: string, to: string) =>
    `${requester} asks to move the customer "${customer}" from ${from} to ${to}`,
  requester: 'Requested by',
  from: 'Owner',
  to: 'To',
  approve: 'Approve',
  reject: 'Reject',
  approvedLine: (by: string, at: string) => `Approved by ${by} · ${at}`,
  rejectedLine: (by: string, at: string) => `Rejected by ${by} · ${at}`,
  approvedToast: 'Approved; the customer was moved',
  rejectedToast: 'Rejected; the requester will be told',
  requestApproved: (customer: string, to: string, by: string) =>
    `Your transfer request was approved: "${customer}" moved to ${to} by ${by}`,
  requestRejected: (customer: string, by: string) => `${by} rejected your transfer request for "${customer}"`,
  alreadyDecided: (status: string) => `This request was already handled (${status})`,
  status: { approved: 'approved', rejected: 'rejected', cancelled: 'cancelled', pending: 'pending' } as Record<string, string>,
  requestStale: (owner: string | null) => `The customer already moved to ${owner ?? 'the pool'}; the request was cancelled`,
  requestDone: 'Request handled',
  notYourNote: 'Only the author of this follow-up can ask for the customer',
  reassignUsage: 'Usage: /reassign customer @colleague, e.g. /reassign Contoso @Li Si',
  reassignWho: (name: string) => `No colleague named "${name}": @-mention one (pick from the member list when names are shared)`,
  reassignOnePerson: 'Mention exactly one colleague to take it over',
};

export const OWN_TEXT: Record<Locale, typeof zh> = { 'zh-CN': zh, en };
