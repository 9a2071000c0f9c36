import type { Database } from '../../db/client';
import { UnauthorizedError } from '../errors';
import type { User } from './create-user';
import { findUserByEmail } from './find-user-by-email';
import { verifyPassword } from './password';

/**
 * A hash of no one's password with the parameters hashPassword uses: an unknown address (or an account without a
 * password) is checked against it, so it costs the same scrypt run as a known one and timing tells nothing.
 */
const DUMMY_HASH = 'scrypt$32768$8$1$7RzINtgXH5QYDhM521Pwqw==$1oO68hvTsIuDUe3XBtQKU5PisgJ6cejjOUHFn/wxGQTZh6obPktM62Y+hGKqAqCVCv9FhqTygJBBdzqsunNYhw==';

/** The user whose email and password these are. Unknown address and wrong password are one 401, after the same work. */
export async function checkPassword(db: Database, input: { email: string; password: string }): Promise<User> {
  const user = await findUserByEmail(db, input.email);
  const matches = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user?.passwordHash || !matches) throw new UnauthorizedError('Wrong email or password');
  return user;
}
