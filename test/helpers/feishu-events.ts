import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'feishu', name), 'utf8'));

let seq = 0;
const next = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${++seq}`;

/**
 * An `im.message.receive_v1` envelope built from the documented example, with overrides. Defaults:
 * a direct (p2p) text message, so the bot answers without a mention.
 */
export function feishuMessageEvent(o: {
  text: string;
  token: string;
  tenant?: string;
  messageId?: string;
  chatId?: string;
  chatType?: 'p2p' | 'group';
  senderOpenId?: string;
  senderType?: string;
  mentions?: { key: string; open_id: string; name: string }[];
  createTime?: Date;
}) {
  const base = fixture('im.message.receive_v1.json') as {
    header: Record<string, unknown>;
    event: { sender: Record<string, unknown>; message: Record<string, unknown> };
  };
  return {
    ...base,
    header: { ...base.header, event_id: next('evt'), token: o.token, tenant_key: o.tenant ?? 'tenant_test' },
    event: {
      sender: {
        ...base.event.sender,
        sender_type: o.senderType ?? 'user',
        sender_id: { open_id: o.senderOpenId ?? 'ou_rep', union_id: 'on_x', user_id: 'u_x' },
      },
      message: {
        ...base.event.message,
        message_id: o.messageId ?? next('om'),
        chat_id: o.chatId ?? 'oc_p2p_rep',
        chat_type: o.chatType ?? 'p2p',
        content: JSON.stringify({ text: o.text }),
        create_time: String((o.createTime ?? new Date('2026-11-25T02:00:00Z')).getTime()),
        mentions: (o.mentions ?? []).map((m) => ({
          key: m.key,
          id: { open_id: m.open_id, union_id: 'on_m', user_id: 'u_m' },
          name: m.name,
          tenant_key: 't',
        })),
      },
    },
  };
}

/** A `card.action.trigger` envelope from the documented example, carrying our button value. */
export function feishuCardAction(o: {
  token: string;
  value: Record<string, string>;
  formValue?: Record<string, string>;
  operatorOpenId?: string;
  tenant?: string;
  messageId?: string;
}) {
  const base = fixture('card.action.trigger.json') as {
    header: Record<string, unknown>;
    event: Record<string, unknown> & { action: Record<string, unknown>; operator: Record<string, unknown> };
  };
  return {
    ...base,
    header: { ...base.header, event_id: next('evt'), token: o.token, tenant_key: o.tenant ?? 'tenant_test' },
    event: {
      ...base.event,
      operator: { ...base.event.operator, open_id: o.operatorOpenId ?? 'ou_rep' },
      action: { ...base.event.action, value: o.value, ...(o.formValue ? { form_value: o.formValue, name: 'submit' } : {}) },
      context: { open_message_id: o.messageId ?? 'om_card', open_chat_id: 'oc_p2p_rep' },
    },
  };
}
