import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { createFollowUpsService } from '../domain/follow-ups/follow-ups-service.js';
import type { createUsersService, UserRecord } from '../domain/users/users-service.js';
import type { Clock } from '../lib/clock.js';
import type { OutboundMessage, Platform } from '../messaging/types.js';
import type { Locale } from './cards/i18n.js';

/** The note parser as the bot sees it (the rule parser, optionally helped by a model). */
export type NoteExtractor = {
  extract(
    text: string,
    opts: { now: Date; timeZone: string; knownCustomers: { id: string; name: string; aliases: string[] }[]; defaultHour: number },
  ): Promise<Parameters<ReturnType<typeof createFollowUpsService>['recordNote']>[0]['draft']>;
};

export type ProfileLoader = (platformUserId: string) => Promise<{ name?: string; managerPlatformUserId?: string } | null>;

export type BotDeps = {
  config: Pick<Config, 'timeZone' | 'locale' | 'reminders'>;
  db: Db;
  clock: Clock;
  log: Logger;
  users: ReturnType<typeof createUsersService>;
  followUps: ReturnType<typeof createFollowUpsService>;
  extractor: NoteExtractor;
  /** Whether a parsed note holds anything worth recording (the parser's `isActionable`). */
  isActionable: (draft: Awaited<ReturnType<NoteExtractor['extract']>>) => boolean;
  /** Reads a date the way notes are read (下周三, 3天后, 12月5日); null when it names no fixed day. */
  readDate: (text: string, opts: { now: Date; timeZone: string }) => Date | null;
  /** Per platform: look up a user's name and direct manager, when the app may. */
  profiles: Partial<Record<Platform, ProfileLoader>>;
};

/** Who is acting, where, in which language and zone: resolved once per event. */
export type ActorContext = {
  platform: Platform;
  workspaceId: number;
  user: UserRecord;
  locale: Locale;
  timeZone: string;
};

export type CommandReply = OutboundMessage;
