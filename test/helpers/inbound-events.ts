import type { InboundEvent } from '../../src/messaging/types.js';

/** A minimal Feishu direct message in `conversation`, for tests of how stored rows are claimed and run (its content does not matter). */
export function plainMessageEvent(id: string, conversation: string, sentAt: Date = new Date()): InboundEvent {
  return {
    type: 'message',
    platform: 'feishu',
    eventId: id,
    tenant: 't',
    messageId: id,
    conversation: { platform: 'feishu', kind: 'chat', id: conversation },
    chatType: 'direct',
    senderId: 'ou',
    text: 'x',
    mentionsBot: true,
    sentAt,
  };
}
