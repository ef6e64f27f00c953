import type { OutboundEnvelope } from '../../delivery/outbox.js';
import { addressKey, type Card, type CardLink, type MessageEvent, type OutboundMessage } from '../../messaging/types.js';
import { savedCard } from '../cards/follow-up-cards.js';
import type { ActorContext, BotDeps } from '../context.js';
import { toFollowUpView } from '../follow-up-view.js';
import { doneByNoteCard } from './answers.js';

/** `/…` or `／…`: a command is never taken as the prompted note. */
const isCommand = (text: string) => /^[/／]/.test(text.trim());

/**
 * After 已跟进 on a card without inputs (WeCom) or on `/我的`, the rep's next direct message (not
 * a command) is the note for that customer: logged against it without asking which one, the prompt
 * taken and the reminder marked done in one transaction, answered with the usual saved card; the
 * reminder card itself is redrawn as done, without its buttons, where its ref was stored. True
 * when the message was handled here; false (no open prompt, or it no longer applies) leaves it to
 * the ordinary note path. Costs one indexed read for every message that reaches it.
 */
export async function answerNotePrompt(
  deps: BotDeps,
  actor: ActorContext,
  event: MessageEvent,
  reply: (message: OutboundMessage, link?: CardLink) => OutboundEnvelope,
): Promise<boolean> {
  if (event.chatType !== 'direct' || !event.text.trim() || isCommand(event.text)) return false;
  const prompt = await deps.reminderActions.promptFor(actor.user);
  if (!prompt) return false;
  const draft = await deps.extractor.extract(event.text, {
    now: event.sentAt,
    timeZone: actor.timeZone,
    knownCustomers: await deps.customers.known(actor.workspaceId, actor.user.id),
    defaultHour: deps.config.reminders.defaultHour,
  });
  // Drawn before the note changes the customer, as the card was. The click's own response code was
  // spent on the "send your note" answer; the card's send ref (WeCom: the send's response code) is unused.
  const done =
    prompt.cardRef && prompt.reminderId ? await doneByNoteCard(deps, actor, prompt.customerId, prompt.reminderId, event.sentAt) : null;
  const result = await deps.reminderActions.logPromptedNote({
    actor: actor.user,
    prompt,
    text: event.text,
    draft,
    sourceId: event.messageId,
    occurredAt: event.sentAt,
    outbound: (r) =>
      r.kind === 'saved'
        ? [
            reply(
              { kind: 'card', card: savedCard(toFollowUpView(r.followUp, r.customer.name), actor) },
              { kind: 'follow_up', id: r.followUp.id },
            ),
            ...(done && prompt.cardRef ? [updateCard(event, actor.workspaceId, prompt.cardRef, done)] : []),
          ]
        : [],
  });
  deps.log.info({ platform: event.platform, eventId: event.eventId, kind: result.kind }, 'prompted note');
  return result.kind !== 'fallback';
}

/** The reminder card `ref` replaced by `card`, in the chat the note came from (the rep's own). */
function updateCard(event: MessageEvent, workspaceId: number, ref: string, card: Card): OutboundEnvelope {
  return {
    target: addressKey(event.conversation),
    workspaceId,
    dedupeKey: `prompt-card:${event.platform}:${event.messageId}`.slice(0, 180),
    payload: { kind: 'update', messageId: ref, message: { kind: 'card', card }, to: event.conversation },
  };
}
