// The app's priority tiers (-600…600, higher first among due jobs; see PRIORITY_MIN/MAX in ../define). Mail a
// person is waiting for goes before notifications, notifications before bulk mail, and sweeps last: a large
// email batch or cleanup backlog must never hold a signing invitation or a password reset back.
export const JOB_PRIORITY = {
  /** Someone is looking at their inbox right now: signing invitations, password resets, verification. */
  userWaiting: 100,
  /** Outcome notifications and webhook deliveries. */
  notification: 50,
  /** Bulk email through the queue. */
  bulk: -50,
  /** Hourly and daily sweeps: they catch up on their next slot anyway. */
  maintenance: -100,
} as const;
