import { randomUUID } from 'node:crypto';
import type { Address, OutboundMessage } from '../../messaging/types.js';

/** `user:rep1` (a person's chat with the bot) or `chat:team-x` (a group): how the page names a conversation. */
export type ChatKey = `${'user' | 'chat'}:${string}`;

/** One line of a console conversation: what a person typed, or what the bot sent (text or card). */
export type ConsoleMessage = {
  id: string;
  chat: ChatKey;
  /** `bot`, or the console user id of whoever typed it. */
  from: string;
  message: OutboundMessage;
  at: string;
  replyTo?: string;
  /** Bumped on every in-place update, so the page redraws only what changed. */
  revision: number;
};

export type ConsoleUpdate = { type: 'message' | 'update'; message: ConsoleMessage };

/**
 * Messages only a page shows; a redelivery after a restart could otherwise not be shown twice
 * either, and conversations on real platforms are not ours to keep. Bounded per conversation.
 */
const MAX_PER_CHAT = 300;

export const chatKeyOf = (address: Pick<Address, 'kind' | 'id'>): ChatKey => `${address.kind}:${address.id}`;

/**
 * The console's conversations, in memory: messages by id for in-place updates, each change
 * broadcast to the open pages (server-sent events). A restart forgets them, as a page reload
 * after a restart shows: the data itself lives in the database like any platform's.
 */
export function createConsoleStore(now: () => Date) {
  const byId = new Map<string, ConsoleMessage>();
  const chats = new Map<ChatKey, string[]>();
  const listeners = new Set<(update: ConsoleUpdate) => void>();
  const emit = (update: ConsoleUpdate) => {
    for (const listener of listeners) listener(update);
  };

  return {
    /** `id`: the platform message id a typed message already has (its event's); bot messages get a fresh one. */
    add(chat: ChatKey, from: string, message: OutboundMessage, opts: { replyTo?: string; id?: string } = {}): ConsoleMessage {
      const replyTo = opts.replyTo;
      const entry: ConsoleMessage = { id: opts.id ?? `cm_${randomUUID()}`, chat, from, message, at: now().toISOString(), revision: 0 };
      if (replyTo) entry.replyTo = replyTo;
      byId.set(entry.id, entry);
      const ids = chats.get(chat) ?? [];
      ids.push(entry.id);
      while (ids.length > MAX_PER_CHAT) byId.delete(ids.shift() ?? '');
      chats.set(chat, ids);
      emit({ type: 'message', message: entry });
      return entry;
    },
    /** Replaces a message in place; null when the console no longer holds it. */
    replace(id: string, message: OutboundMessage): ConsoleMessage | null {
      const entry = byId.get(id);
      if (!entry) return null;
      const next = { ...entry, message, revision: entry.revision + 1 };
      byId.set(id, next);
      emit({ type: 'update', message: next });
      return next;
    },
    get: (id: string) => byId.get(id) ?? null,
    all: (): ConsoleMessage[] => [...chats.values()].flat().flatMap((id) => byId.get(id) ?? []),
    subscribe(listener: (update: ConsoleUpdate) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;
