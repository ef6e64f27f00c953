import type { OutboundEnvelope } from '../delivery/outbox.js';
import type { RecordNoteResult } from '../domain/follow-ups/follow-ups-service.js';
import { addressKey, type CardLink, type MessageEvent, type MessengerPayload, type OutboundMessage } from '../messaging/types.js';
import { ownedByOtherCard, pickCustomerCard, savedCard } from './cards/follow-up-cards.js';
import { TEXT } from './cards/i18n.js';
import { runCommand } from './commands/index.js';
import type { ActorContext, BotDeps } from './context.js';
import { toFollowUpView } from './follow-up-view.js';
import { answerNotePrompt } from './reminders/note-prompt.js';
import { resolveActor } from './resolve-actor.js';

/**
 * A message to the bot: a command, or a note to record. Runs after the webhook has acknowledged,
 * one message at a time per chat. Replies go through the outbox; a reply to a recorded note is
 * enqueued in the same transaction as the follow-up.
 */
export async function handleMessage(deps: BotDeps, event: MessageEvent): Promise<void> {
  if (event.chatType === 'group' && !event.mentionsBot) return;
  const actor = await resolveActor(deps, event.platform, event.tenant, event.senderId);
  const log = deps.log.child({ platform: event.platform, eventId: event.eventId, workspaceId: actor.workspaceId });

  const commandReply = await runCommand(deps, actor, event.text, event);
  if (commandReply) {
    await deps.outbox.enqueue(replyTo(event, actor, commandReply));
    log.info({ kind: 'command' }, 'answered a command');
    return;
  }
  const reply = (message: OutboundMessage, link?: CardLink) => replyTo(event, actor, message, link);

  const knownCustomers = await deps.customers.known(actor.workspaceId, actor.user.id);
  const draft = await deps.extractor.extract(event.text, {
    now: event.sentAt,
    timeZone: actor.timeZone,
    knownCustomers,
    defaultHour: deps.config.reminders.defaultHour,
  });
  if (!deps.isActionable(draft)) {
    if (await answerNotePrompt(deps, actor, event, reply)) return;
    await deps.outbox.enqueue(replyTo(event, actor, { kind: 'text', text: TEXT[actor.locale].notUnderstood }));
    log.info({ kind: 'not_understood', textLength: event.text.length }, 'note not understood; sent help');
    return;
  }

  const note = {
    workspaceId: actor.workspaceId,
    author: actor.user,
    text: event.text,
    sourceMessageId: event.messageId,
    occurredAt: event.sentAt,
    draft,
    outbound: (r: RecordNoteResult) => noteReplies(r, event, actor),
  };
  // A direct message may answer an open note prompt (已跟进 on WeCom or /我的). The note's own
  // transaction looks for one, with the customer's lock when it can, instead of a read before
  // every message; only when there is one does the prompt path run (and say whether it applied).
  let result = await deps.followUps.recordNote({ ...note, unlessPrompted: event.chatType === 'direct' });
  if (result.kind === 'prompted') {
    if (await answerNotePrompt(deps, actor, event, reply)) return;
    result = await deps.followUps.recordNote(note);
  }
  if (result.kind === 'not_understood') {
    // Decided before any transaction (no customer name at all), so the prompt was not looked for yet.
    if (await answerNotePrompt(deps, actor, event, reply)) return;
    await deps.outbox.enqueue(replyTo(event, actor, { kind: 'text', text: TEXT[actor.locale].notUnderstood }));
  }
  log.info({ kind: result.kind }, 'note handled');
}

/** The reply that reports a recorded note, enqueued in the note's transaction. */
function noteReplies(r: RecordNoteResult, event: MessageEvent, actor: ActorContext): OutboundEnvelope[] {
  const link = (id: number): CardLink => ({ kind: 'follow_up', id });
  if (r.kind === 'saved') {
    const view = toFollowUpView(r.followUp, r.customer.name);
    return [
      replyTo(event, actor, { kind: 'card', card: savedCard(view, actor, { createdCustomer: r.createdCustomer }) }, link(r.followUp.id)),
    ];
  }
  if (r.kind === 'owned_by_other') {
    const view = toFollowUpView(r.followUp, r.customer.name);
    const card = ownedByOtherCard(view, r.owner.name ?? TEXT[actor.locale].someone, actor);
    return [replyTo(event, actor, { kind: 'card', card }, link(r.followUp.id))];
  }
  if (r.kind === 'needs_customer') {
    const view = toFollowUpView(r.followUp, r.proposedName);
    return [
      replyTo(event, actor, { kind: 'card', card: pickCustomerCard(view, r.candidates, r.proposedName, actor) }, link(r.followUp.id)),
    ];
  }
  return [];
}

/** A reply in the chat the message came from; one per source message, whatever happens. A card shows `link`'s row. */
function replyTo(event: MessageEvent, actor: ActorContext, message: OutboundMessage, link?: CardLink): OutboundEnvelope {
  const payload: MessengerPayload = {
    kind: 'send',
    to: event.conversation,
    message,
    replyTo: event.messageId,
    idempotencyKey: `r-${event.messageId}`.slice(0, 50),
    ...(link ? { link } : {}),
  };
  return {
    target: addressKey(event.conversation),
    workspaceId: actor.workspaceId,
    dedupeKey: `reply:${event.platform}:${event.messageId}`,
    payload,
  };
}
