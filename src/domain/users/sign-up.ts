import type { Database } from '../../db/client';
import { createUser, type User } from './create-user';
import { hashPassword } from './password';

/** Self-service account: a password (scrypt-hashed) and an API key shown once. The email is verified later. */
export async function signUp(db: Database, input: { email: string; password: string; name?: string | null }): Promise<{ user: User; apiKey: string }> {
  const passwordHash = await hashPassword(input.password);
  return createUser(db, { email: input.email, name: input.name, role: 'USER', passwordHash });
}
