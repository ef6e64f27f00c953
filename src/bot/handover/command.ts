import type { ProposeResult } from '../../domain/ownership/handover.js';
import { addressKey, userAddress } from '../../messaging/types.js';
import type { ActorContext, CommandReply } from '../context.js';
import { slashCommand, type Command } from '../commands/types.js';
import { resolvePeople, type MentionedPerson } from '../resolve-people.js';
import { handoverConfirmCard } from './cards.js';
import { HANDOVER_TEXT } from './text.js';

const text = (t: string): CommandReply => ({ kind: 'text', text: t });

/** The refusal in words, naming the person where it helps. */
function refusal(result: Exclude<ProposeResult, { kind: 'proposed' }>, actor: ActorContext, people: MentionedPerson[]): CommandReply {
  const h = HANDOVER_TEXT[actor.locale];
  const name = (p: MentionedPerson | undefined) => p?.name ?? p?.platformUserId ?? '?';
  switch (result.kind) {
    case 'not_found':
      return text(h.unknownPerson(name(result.who === 'from' ? people[0] : people[1])));
    case 'forbidden':
      return text(h.forbidden);
    case 'invalid_target':
      if (result.why === 'same_owner') return text(h.sameOwner);
      return text(result.why === 'inactive' ? h.inactive(name(people[1])) : h.outOfScope(name(people[1])));
    case 'no_recipients':
      return text(h.noRecipients);
    case 'busy':
      return text(h.busy);
    default: {
      const never: never = result;
      return never;
    }
  }
}

/**
 * `/交接 @A @B` · `/handover @A @B`: all of A's customers to B; `/交接 @A 平均分配` spreads them over
 * A's team. Answers with a card of the counts to confirm; nothing moves before the click.
 */
export const handoverCommand: Command<{ rest: string }> = {
  name: 'handover',
  match: (input) => {
    const rest = slashCommand(['交接', 'handover'], input);
    return rest === null ? null : { rest };
  },
  async run(deps, actor, match, event) {
    const h = HANDOVER_TEXT[actor.locale];
    const { people, rest } = await resolvePeople(deps, actor, event, match.rest);
    const missing = people.find((p) => !p.found);
    if (missing) return text(h.unknownPerson(missing.name ?? '?'));
    const word = rest
      .replace(/[@＠]\S*/g, '')
      .trim()
      .toLowerCase();
    const spread = [...HANDOVER_TEXT['zh-CN'].spreadWords, ...HANDOVER_TEXT.en.spreadWords].includes(word);
    const [from, to] = people;
    if (!from || (spread ? people.length !== 1 : people.length !== 2 || word !== '')) return text(h.usage);
    const result = await deps.handover.propose({
      actor: actor.user,
      from: { platformUserId: from.platformUserId },
      to: spread ? 'spread' : { platformUserId: to!.platformUserId },
    });
    if (result.kind !== 'proposed') return refusal(result, actor, people);
    const card: CommandReply = { kind: 'card', card: handoverConfirmCard(result.handoverId, result, actor.locale) };
    if (event.chatType !== 'group') return card;
    // A group sees only what all its members may: the counts and the buttons go to the manager alone.
    const me = userAddress(actor.platform, actor.user.platformUserId);
    await deps.outbox.enqueue({
      target: addressKey(me),
      workspaceId: actor.workspaceId,
      dedupeKey: `handover:${result.handoverId}:proposed`,
      payload: { kind: 'send', to: me, message: card },
    });
    return text(h.sentPrivately);
  },
};
