/** At most `limit` sends per `windowMs` to one recipient. */
export type RateLimit = { limit: number; windowMs: number };

export type RateLimiter = {
  /** Takes a slot and returns 0, or returns how many ms to wait before one frees up. */
  acquire(target: string, nowMs: number): number;
};

/**
 * Sliding-window limiter per recipient, kept in this process. With several replicas each keeps its
 * own window, so a platform limit is divided by the replica count in the limits passed in.
 */
export function createRateLimiter(limitFor: (target: string) => RateLimit | null): RateLimiter {
  const sent = new Map<string, number[]>();
  return {
    acquire(target, nowMs) {
      const rule = limitFor(target);
      if (!rule) return 0;
      const recent = (sent.get(target) ?? []).filter((t) => t > nowMs - rule.windowMs);
      if (recent.length >= rule.limit) {
        sent.set(target, recent);
        const oldest = recent[0] ?? nowMs;
        return Math.max(1, oldest + rule.windowMs - nowMs);
      }
      recent.push(nowMs);
      sent.set(target, recent);
      return 0;
    },
  };
}

/** Limits by target prefix, e.g. `{ 'feishu:': { limit: 5, windowMs: 1000 } }`. */
export function limitsByPrefix(rules: Record<string, RateLimit>): (target: string) => RateLimit | null {
  const entries = Object.entries(rules);
  return (target) => entries.find(([prefix]) => target.startsWith(prefix))?.[1] ?? null;
}
