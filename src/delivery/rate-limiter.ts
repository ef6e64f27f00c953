import { and, desc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema/index.js';

/** At most `limit` sends per `windowMs` to one recipient. */
export type RateLimit = { limit: number; windowMs: number };

export type RateLimiter = {
  /**
   * 0 when `target` may be sent to now, else how many ms until its window has room. `recentSends`:
   * the recipient's sends within `countWindowMs`, counted by the claim (see below); when it is
   * already under the limit, no query is needed.
   */
  waitMs(target: string, now: Date, recentSends?: number | null): Promise<number>;
  /** Ask the outbox claim to count each claimed recipient's sends within this window (the longest rule's). */
  readonly countWindowMs?: number;
};

/**
 * Per-recipient sliding window read from the outbox itself: the rows of `target` whose `sent_at`
 * falls inside the window. The worker keeps at most one row per target in flight across every
 * replica, so nobody else can send to this target between this count and the send: the limit holds
 * however many replicas run. Uses `outbox_target_sent_idx (target, sent_at)`.
 *
 * The count usually comes free with the claim: `claimDue` reads back each claimed row with the
 * number of its target's rows sent within `countWindowMs` (at least the rule's window, so the
 * count can only be too high), after the row is leased. By the same one-in-flight rule no replica
 * sends to that target between that read and this send, and sends only leave the window as time
 * passes, so a count under the limit means room now, whichever replica sent the others. Only a
 * recipient at or near its limit costs the query below.
 */
export function createRateLimiter(deps: {
  db: DbOrTx;
  limitFor: (target: string) => RateLimit | null;
  /** The longest window of any rule; without it the claim counts nothing and every send queries. */
  countWindowMs?: number;
}): RateLimiter {
  return {
    countWindowMs: deps.countWindowMs,
    async waitMs(target, now, recentSends) {
      const rule = deps.limitFor(target);
      if (!rule) return 0;
      if (recentSends != null && deps.countWindowMs !== undefined && deps.countWindowMs >= rule.windowMs && recentSends < rule.limit)
        return 0;
      const recent = await deps.db
        .select({ sentAt: outbox.sentAt })
        .from(outbox)
        .where(and(eq(outbox.target, target), gt(outbox.sentAt, new Date(now.getTime() - rule.windowMs))))
        .orderBy(desc(outbox.sentAt))
        .limit(rule.limit);
      const oldest = recent.length >= rule.limit ? recent[recent.length - 1]?.sentAt : undefined;
      if (!oldest) return 0;
      // Capped at one window: a replica whose clock runs ahead cannot stall a recipient for longer.
      return Math.min(rule.windowMs, Math.max(1, oldest.getTime() + rule.windowMs - now.getTime()));
    },
  };
}

/** Limits by target prefix, e.g. `{ 'feishu:': { limit: 5, windowMs: 1000 } }`. */
export function limitsByPrefix(rules: Record<string, RateLimit>): (target: string) => RateLimit | null {
  const entries = Object.entries(rules);
  return (target) => entries.find(([prefix]) => target.startsWith(prefix))?.[1] ?? null;
}
