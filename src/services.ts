import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { enqueue, type OutboundEnvelope } from './delivery/outbox.js';
import { createCustomerNameCache, NAMES_FRESH_FOR_MS } from './domain/customers/customer-name-cache.js';
import { createDigestService } from './domain/digest/digest-service.js';
import { searchCustomers } from './domain/customers/customers-repo.js';
import { createEscalationActs } from './domain/escalation/escalation-acts.js';
import { createFollowUpsService } from './domain/follow-ups/follow-ups-service.js';
import { createHandoverService } from './domain/ownership/handover.js';
import { listPool } from './domain/ownership/list-pool.js';
import { createOwnershipService } from './domain/ownership/ownership-service.js';
import { createPoolWarningActs } from './domain/pool-recycling/pool-warning-acts.js';
import { createNoteExtractor, isActionable, parseNote } from './domain/notes/index.js';
import { createReminderActionsService } from './domain/reminder-actions/reminder-actions-service.js';
import { createRemindersService } from './domain/reminders/reminders-service.js';
import { createUsersService } from './domain/users/users-service.js';
import type { Clock } from './lib/clock.js';
import { createChatModel } from './llm/openai-compatible.js';

export type Services = ReturnType<typeof createServices>;

/**
 * The domain services over one database, without HTTP or platforms: the service composes them
 * with the bot and the adapters, and the CLI (jobs, handover, import, audit) uses them alone.
 */
export function createServices(deps: { config: Config; db: Db; clock: Clock; log: Logger }) {
  const { config, db, clock, log } = deps;
  const model = config.llm ? createChatModel(config.llm) : null;
  // One per process: a delta query at most every NAMES_FRESH_FOR_MS per workspace (and after this
  // process created a customer) instead of loading every customer for each note.
  const customerNames = createCustomerNameCache({ db, clock, freshForMs: NAMES_FRESH_FOR_MS });
  // Workspaces and users are kept USERS_CACHE_TTL_MS; a settings reload through it clears them.
  const users = createUsersService({ db, clock, teams: config.teams, admins: config.admins });
  const handover = createHandoverService({ db, clock });
  // A handover's last batch deactivates the leaver: this process forgets its users when one ran
  // (other replicas see it within USERS_CACHE_TTL_MS).
  const forgettingUsers =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } finally {
        users.forgetUsers();
      }
    };
  return {
    users,
    followUps: createFollowUpsService({ db, clock, names: customerNames }),
    ownership: createOwnershipService({ db, clock, pool: config.pool, timeZone: config.timeZone }),
    handover: {
      ...handover,
      runBatch: forgettingUsers(handover.runBatch),
      run: forgettingUsers(handover.run),
      runDue: forgettingUsers(handover.runDue),
    },
    escalations: createEscalationActs({ db, clock }),
    poolWarnings: createPoolWarningActs({ db, clock }),
    reminders: createRemindersService({ db, log, settings: config }),
    digest: createDigestService({ db, clock, log, settings: config }),
    // Its own follow-ups service instance: the factory keeps no state, so both record notes alike.
    reminderActions: createReminderActionsService({
      db,
      clock,
      followUps: createFollowUpsService({ db, clock, names: customerNames }),
      defaultHour: config.reminders.defaultHour,
    }),
    customers: {
      search: (workspaceId: number, query: string, limit: number) => searchCustomers(db, workspaceId, query, limit),
      // The names index and the rep's scope, handed to the parser as they come.
      known: (workspaceId: number, ownerUserId: number) => customerNames.knownCustomers(workspaceId, { ownerUserId }),
    },
    pool: { list: (input: Parameters<typeof listPool>[1]) => listPool(db, input) },
    outbox: { enqueue: (message: OutboundEnvelope) => enqueue(db, message, clock.now()) },
    extractor: createNoteExtractor({ model, log }),
    isActionable,
    /** Reads a date the way notes are read (下周三, 3天后). */
    readDate(text: string, opts: { now: Date; timeZone: string }): Date | null {
      const at = parseNote(text, { now: opts.now, timeZone: opts.timeZone, defaultHour: config.reminders.defaultHour }).nextFollowUpAt;
      return at ? new Date(at) : null;
    },
  };
}
