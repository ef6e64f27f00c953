import type { ReminderOutbound } from '../../domain/reminders/run-reminders.js';
import { addressKey, userAddress } from '../../messaging/types.js';
import { reminderCard } from './reminder-card.js';
import { summaryCard } from './summary-card.js';

/**
 * The reminder job's messages, drawn by the bot and bound in at the composition root: a card per
 * reminder, linked to its row (`reminders.message_ref` records where it went, so A2's actions can
 * update it in place), and the summary card.
 */
export const reminderOutbound: ReminderOutbound = (to, message, now) => {
  const address = userAddress(to.platform, to.platformUserId);
  const ctx = { locale: to.locale, timeZone: to.timeZone, now };
  if (message.kind === 'card') {
    const card = reminderCard(message.view, ctx, { kind: message.reminderKind, reminderId: message.reminderId });
    return {
      target: addressKey(address),
      payload: { kind: 'send', to: address, message: { kind: 'card', card }, link: { kind: 'reminder', id: message.reminderId } },
    };
  }
  return {
    target: addressKey(address),
    payload: { kind: 'send', to: address, message: { kind: 'card', card: summaryCard(message.items, message.total, ctx) } },
  };
};
