import { and, desc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema/index.js';

/** At most `limit` sends per `windowMs` to one recipient. */
export type RateLimit = { limit: number; windowMs: number };

export type RateLimiter = {
  /** 0 when `target` may be sent to now, else how many ms until its window has room. */
  waitMs(target: string, now: Date): Promise<number>;
};

/**
 * Per-recipient sliding window read from the outbox itself: the rows of `target` whose `sent_at`
 * falls inside the window. The worker keeps at most one row per target in flight across every
 * replica, so nobody else can send to this target between this count and the send: the limit holds
 * however many replicas run. Uses `outbox_target_sent_idx (target, sent_at)`.
 */
export function createRateLimiter(deps: { db: DbOrTx; limitFor: (target: string) => RateLimit | null }): RateLimiter {
  return {
    async waitMs(target, now) {
      const rule = deps.limitFor(target);
      if (!rule) return 0;
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
