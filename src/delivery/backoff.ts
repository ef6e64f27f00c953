const BASE_MS = 2_000;
const CAP_MS = 15 * 60_000;

/**
 * Delay before attempt `attempt + 1`: 2 s, 4 s, 8 s … capped at 15 min, with ±20% jitter so a
 * burst of failures does not retry in lockstep. `random` is injectable for deterministic tests.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}
