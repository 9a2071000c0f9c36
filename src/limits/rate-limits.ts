// The app's rate limits: what is counted, per what, how many in which window. Each counts per client address
// (`ip`) or per target (`account`: an email address, a user, a token), so spreading over addresses does not help
// against one account and one address cannot sweep many. The README's HTTP API section lists them.

export interface LimitRule {
  /** How many points (requests, or recipients for `recipients-per-user`) the window allows. */
  points: number;
  /** The window, in seconds, from the first point counted. */
  durationSeconds: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RATE_LIMITS = {
  'signup-per-ip': { points: 10, durationSeconds: HOUR },
  'signup-per-email': { points: 3, durationSeconds: HOUR },
  'signin-per-ip': { points: 30, durationSeconds: 15 * MINUTE },
  // Password guessing against one account: tight from one client address, looser across all of them, so a guesser
  // at one address cannot lock the account's owner out from another (which 10 per address alone allowed).
  'signin-per-email-ip': { points: 10, durationSeconds: 15 * MINUTE },
  'signin-per-email': { points: 50, durationSeconds: 15 * MINUTE },
  'forgot-password-per-ip': { points: 20, durationSeconds: HOUR },
  // At most one reset email per address every 5 minutes, known address or not (the same answer for both).
  'forgot-password-per-email': { points: 1, durationSeconds: 5 * MINUTE },
  'reset-password-per-ip': { points: 20, durationSeconds: 15 * MINUTE },
  'verify-per-ip': { points: 20, durationSeconds: 15 * MINUTE },
  'sign-per-ip': { points: 60, durationSeconds: 15 * MINUTE },
  'sign-per-token': { points: 10, durationSeconds: 15 * MINUTE },
  'send-per-ip': { points: 30, durationSeconds: HOUR },
  'send-per-user': { points: 20, durationSeconds: DAY },
  // Invitations are what a spammer wants: the recipients of the documents a user sends, per day.
  'recipients-per-user': { points: 200, durationSeconds: DAY },
} as const satisfies Record<string, LimitRule>;

export type LimitName = keyof typeof RATE_LIMITS;

/** Webhook endpoints one account may have registered at once. */
export const MAX_WEBHOOKS_PER_USER = 10;
