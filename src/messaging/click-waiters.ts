import type { CardActionResult } from './types.js';

export type ClickWaiters = ReturnType<typeof createClickWaiters>;

/**
 * How the runner of a click hands its answer over: true when the caller still waited and took it
 * (it answers the platform), false when nobody waits any more (the runner answers through the
 * outbox). In a worker process this asks the web process (src/worker/link.ts); with no web process
 * to ask it is always false.
 */
export type OfferClick = (eventId: string, result: CardActionResult) => Promise<boolean>;

/**
 * Platforms that answer a click synchronously (Feishu's callback, the smart bot's 5 s window) wait
 * here for the stored click to be run. Whoever runs it offers the result: taken while the caller
 * still waits, otherwise the runner answers later through the outbox (the card is updated when it
 * finishes). Single-threaded, so an offer and a timeout can never both win; an offer from a worker
 * process is answered by this same thread, so the same holds across processes.
 */
export function createClickWaiters() {
  const waiting = new Map<string, (result: CardActionResult | null) => void>();
  return {
    /** Starts waiting for `eventId` for at most `budgetMs`; resolves null when nobody answered in time. */
    wait(eventId: string, budgetMs: number): { result: Promise<CardActionResult | null>; cancel(): void } {
      let timer: NodeJS.Timeout | undefined;
      const result = new Promise<CardActionResult | null>((resolve) => {
        const settle = (r: CardActionResult | null) => {
          clearTimeout(timer);
          if (waiting.get(eventId) === settle) waiting.delete(eventId);
          resolve(r);
        };
        waiting.set(eventId, settle);
        timer = setTimeout(() => settle(null), budgetMs);
      });
      return { result, cancel: () => waiting.get(eventId)?.(null) };
    },

    /** Hands a finished click's result to its waiting caller; false when nobody waits any more. */
    offer(eventId: string, result: CardActionResult): boolean {
      const settle = waiting.get(eventId);
      if (!settle) return false;
      settle(result);
      return true;
    },
  };
}
