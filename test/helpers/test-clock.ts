/** A clock that runs with real time but can be pushed forward, for expiry and "failing for days" without sleeping. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => void (offsetMs += ms),
  };
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
