const BASE_MS = 2_000;
/** Long enough not to hammer a platform that is down, short enough that replies resume within minutes of recovery. */
export const BACKOFF_CAP_MS = 5 * 60_000;

/**
 * Delay before attempt `attempt + 1`: 2 s, 4 s, 8 s … up to 5 min, scaled by a random factor in
 * [0.6, 1] so a burst of failures does not retry in lockstep and no delay exceeds the cap.
 * `random` is injectable for deterministic tests.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.6 + 0.4 * random()));
}
