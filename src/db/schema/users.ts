import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-cased so the unique index is case-insensitive without citext (absent from PGlite by default). */
    email: text('email').notNull(),
    name: text('name'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    role: text('role', { enum: ['USER', 'ADMIN'] }).notNull().default('USER'),
    passwordHash: text('password_hash'),
    /** Signing out of the dashboard ends every dashboard session of this user issued before it (all devices). */
    adminSessionsRevokedAt: timestamp('admin_sessions_revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_email_key').on(table.email),
    check('users_role_check', sql`${table.role} in ('USER', 'ADMIN')`),
    // The job-health alerts email every admin: a small partial index instead of a scan of all users.
    index('users_admins_idx').on(table.createdAt).where(sql`${table.role} = 'ADMIN'`),
  ],
);

/**
 * API keys, several per user (sign-up, sign-in, `POST /api/keys`, the CLI), each revocable on its own and all at
 * once on a password reset. Only the SHA-256 of a key is stored; the key is shown once.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** What the key is for, as its owner named it (`sign-in`, `ci`, …). */
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // API authentication looks a key up by hash on every request.
    uniqueIndex('api_keys_key_hash_key').on(table.keyHash),
    // Listing a user's keys, and revoking them all on a password reset.
    index('api_keys_user_id_idx').on(table.userId),
  ],
);

/** Single-use tokens for email verification and password reset, stored hashed (OWASP forgot-password guidance). */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['VERIFY_EMAIL', 'RESET_PASSWORD'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Redeeming a token looks it up by hash.
    uniqueIndex('user_tokens_token_hash_key').on(table.tokenHash),
    index('user_tokens_user_id_idx').on(table.userId),
    check('user_tokens_kind_check', sql`${table.kind} in ('VERIFY_EMAIL', 'RESET_PASSWORD')`),
  ],
);
