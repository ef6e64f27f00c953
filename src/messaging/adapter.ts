import type { FastifyPluginAsync } from 'fastify';
import type { Address, Capabilities, OutboundMessage, Platform, SentRef } from './types.js';

/** A user's name and direct manager as the platform knows them, when the app may read them. */
export type Profile = { name?: string; managerId?: string };

/** Something that runs beside HTTP: a long connection. */
export type Background = { start(): void; stop(): Promise<void> | void };

export type SendOptions = { replyTo?: string; idempotencyKey?: string };

/**
 * The one port every messenger platform implements (Feishu, WeCom, the local console). The bot and
 * the domain never see more of a platform than this; the adapter alone knows how to reach an
 * address and how to draw a card.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** What its cards can hold; `adaptCard` fits every card to it before `send`/`update`. */
  readonly capabilities: Capabilities;
  /** At most `limit` messages per `windowMs` to one recipient (the platform's documented limit). */
  readonly sendLimit?: { limit: number; windowMs: number };
  /** Webhooks, each an encapsulated plugin with its own body parser. */
  readonly routes?: FastifyPluginAsync[];
  /** Long connections and other background work. */
  readonly background?: Background[];
  /** Sends a text or a card that fits `capabilities`; returns the platform's message ref. */
  send(to: Address, message: OutboundMessage, opts?: SendOptions): Promise<SentRef>;
  /** Replaces a sent card in place (a ref from `send`, or a click's). */
  update(ref: SentRef, message: OutboundMessage): Promise<void>;
  /** Looks up a user's name and manager. */
  profile?(userId: string): Promise<Profile | null>;
}
