import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { OutboundEnvelope } from '../delivery/outbox.js';
import type { CustomerRecord } from '../domain/customers/customers-repo.js';
import type { DigestService } from '../domain/digest/digest-service.js';
import type { EscalationActs } from '../domain/escalation/escalation-acts.js';
import type { FollowUpsService } from '../domain/follow-ups/follow-ups-service.js';
import type { ParseOptions } from '../domain/notes/index.js';
import type { HandoverService } from '../domain/ownership/handover.js';
import type { PoolFilter, PoolCursor, PoolPage } from '../domain/ownership/list-pool.js';
import type { OwnershipService } from '../domain/ownership/ownership-service.js';
import type { PoolWarningActs } from '../domain/pool-recycling/pool-warning-acts.js';
import type { ReminderActionsService } from '../domain/reminder-actions/reminder-actions-service.js';
import type { RemindersService } from '../domain/reminders/reminders-service.js';
import type { UserRecord, UsersService } from '../domain/users/users-service.js';
import type { Clock } from '../lib/clock.js';
import type { Profile } from '../messaging/adapter.js';
import type { Capabilities, OutboundMessage, Platform } from '../messaging/types.js';
import type { Locale } from './cards/i18n.js';

/** The customers a note may name, as the parser takes them. */
export type KnownCustomers = NonNullable<ParseOptions['knownCustomers']>;

/** The note parser as the bot sees it (the rule parser, optionally helped by a model). */
export type NoteExtractor = {
  extract(
    text: string,
    opts: { now: Date; timeZone: string; knownCustomers: KnownCustomers; defaultHour: number },
  ): Promise<Parameters<FollowUpsService['recordNote']>[0]['draft']>;
};

/** Read models over customers the bot may use (scoped by workspace; role scoping comes with ownership). */
export type CustomerReads = {
  /** `/查`: exact name, then names containing the query. */
  search(workspaceId: number, query: string, limit: number): Promise<CustomerRecord[]>;
  /** What a rep's note may name: their own customers and the pool (the names cache's index, for the parser). */
  known(workspaceId: number, ownerUserId: number): Promise<KnownCustomers>;
};

/**
 * What the bot works with: domain services and read models, the outbox, and the platforms'
 * profile lookups; never a raw database handle, so role-scoped reads cannot be bypassed.
 */
export type BotDeps = {
  config: Pick<Config, 'timeZone' | 'locale' | 'reminders' | 'pool'>;
  clock: Clock;
  log: Logger;
  users: UsersService;
  followUps: FollowUpsService;
  ownership: OwnershipService;
  /** 离职交接: propose (the counts card) and confirm; the job moves the customers. */
  handover: Pick<HandoverService, 'propose' | 'confirm'>;
  customers: CustomerReads;
  /** `/公海`: a page of the workspace's pool customers (owner null), most recently active first. */
  pool: { list(input: { workspaceId: number; filter: PoolFilter | null; after: PoolCursor | null; limit: number }): Promise<PoolPage> };
  /** Adds a message to the outbox (replies that report no change of their own). */
  outbox: { enqueue(message: OutboundEnvelope): Promise<void> };
  extractor: NoteExtractor;
  /** The weekly digest: `/周报` so far, and a sent digest's figures for 转派 from its card. */
  digest: Pick<DigestService, 'current' | 'stored' | 'owners'>;
  /** `/我的` and one customer's reminder-card view. */
  reminders: Pick<RemindersService, 'mine' | 'view'>;
  /** What the reminder card's buttons do (rem.*), and the note prompts of 已跟进 on WeCom. */
  reminderActions: ReminderActionsService;
  /** The escalation card's acts (提醒TA, the reassignment it records, 放入公海). */
  escalations: EscalationActs;
  /** 释放 on the owner's pool warning. */
  poolWarnings: PoolWarningActs;
  /** Whether a parsed note holds anything worth recording (the parser's `isActionable`). */
  isActionable: (draft: Awaited<ReturnType<NoteExtractor['extract']>>) => boolean;
  /** Reads a date the way notes are read (下周三, 3天后, 12月5日); null when it names no fixed day. */
  readDate: (text: string, opts: { now: Date; timeZone: string }) => Date | null;
  /** What a platform's cards can hold (an answer that would not fit the clicked card in one piece can be kept small). */
  capabilities?: (platform: Platform) => Capabilities | null;
  /** A user's name and direct manager from their platform, when the app may read them. */
  profile: (platform: Platform, userId: string) => Promise<Profile | null>;
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
