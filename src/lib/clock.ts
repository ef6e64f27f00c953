/** Time comes from here so tests can pin it; nothing in the domain calls `new Date()` itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
