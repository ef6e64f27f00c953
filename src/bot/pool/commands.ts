import type { OutboundEnvelope } from '../../delivery/outbox.js';
import type { CustomerRecord } from '../../domain/customers/customers-repo.js';
import { normalizeCustomerName } from '../../domain/customers/normalize-name.js';
import { addressKey, userAddress, type MessageEvent } from '../../messaging/types.js';
import { slashCommand, type Command } from '../commands/types.js';
import type { ActorContext, BotDeps, CommandReply } from '../context.js';
import { drawPoolPage } from './actions.js';
import { POOL_TEXT } from './text.js';

const text = (t: string): CommandReply => ({ kind: 'text', text: t });

/** `/公海` · `/pool`, optionally `/公海 A类` or `/公海 制造业`: the first page of the pool. */
export const poolCommand: Command<{ filter: string }> = {
  name: 'pool',
  match: (input) => {
    const rest = slashCommand(['公海', 'pool'], input);
    return rest === null ? null : { filter: rest.slice(0, 50) };
  },
  run: async (deps, actor, { filter }) => ({ kind: 'card', card: await drawPoolPage(deps, actor, { f: filter, from: '', p: 1 }) }),
};

/**
 * The customer `/释放` names, and the reason after it. A name may hold spaces (`Contoso Ltd`):
 * the whole text is tried as a name first, then the first word with the rest as the reason.
 */
async function findNamed(
  deps: BotDeps,
  actor: ActorContext,
  rest: string,
): Promise<{ found: CustomerRecord[]; query: string; reason: string }> {
  const whole = await deps.customers.search(actor.workspaceId, rest, 6);
  const exact = whole.find((c) => normalizeCustomerName(c.name) === normalizeCustomerName(rest));
  if (exact) return { found: [exact], query: rest, reason: '' };
  const m = /^(\S+)\s+(.+)$/s.exec(rest);
  if (!m) return { found: whole, query: rest, reason: '' };
  const [, name = '', reason = ''] = m;
  return { found: await deps.customers.search(actor.workspaceId, name, 6), query: name, reason: reason.trim() };
}

/**
 * `/释放 客户名 [原因]` · `/release name [reason]`: puts one of my customers back in the pool (a
 * manager: one of their team's); the reason goes into the audit log. The owner hears of it when
 * someone else released it.
 */
export const releaseCommand: Command<{ rest: string }> = {
  name: 'release',
  match: (input) => {
    const rest = slashCommand(['释放', 'release'], input);
    return rest === null ? null : { rest };
  },
  async run(deps, actor, { rest }, event?: MessageEvent) {
    const t = POOL_TEXT[actor.locale];
    if (!rest) return text(t.releaseUsage);
    const { found, query, reason } = await findNamed(deps, actor, rest);
    const exact = found.find((c) => normalizeCustomerName(c.name) === normalizeCustomerName(query));
    const target = exact ?? (found.length === 1 ? found[0] : undefined);
    if (!target && found.length > 1) return text(`${t.releaseMany(query)}\n${found.map((c) => `· ${c.name}`).join('\n')}`);
    if (!target) return text(t.releaseNone(query));
    const result = await deps.ownership.release({
      actor: actor.user,
      customerId: target.id,
      ...(reason ? { reason } : {}),
      source: 'command',
      // The owner hears of it in the release's own transaction, when someone else released it.
      outbound: (moved) =>
        moved.from && moved.from.id !== actor.user.id ? [ownerNotice(actor, moved.from.platformUserId, target.name, event)] : [],
    });
    switch (result.kind) {
      case 'moved':
        return text(reason ? t.releasedWithReason(target.name, reason.slice(0, 100)) : t.released(target.name));
      case 'stale':
        return text(t.alreadyInPool(target.name));
      case 'forbidden':
        return text(t.releaseForbidden);
      default:
        return text(t.releaseNone(query));
    }
  },
};

/** The owner hears that a manager put their customer back in the pool. */
function ownerNotice(actor: ActorContext, ownerId: string, customer: string, event: MessageEvent | undefined): OutboundEnvelope {
  const to = userAddress(actor.platform, ownerId);
  const t = POOL_TEXT[actor.locale];
  return {
    target: addressKey(to),
    workspaceId: actor.workspaceId,
    ...(event ? { dedupeKey: `pool-release:${event.platform}:${event.messageId}`.slice(0, 191) } : {}),
    payload: { kind: 'send', to, message: { kind: 'text', text: t.releasedNotice(actor.user.name ?? t.someone, customer) } },
  };
}
