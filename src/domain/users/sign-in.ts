import type { Database } from '../../db/client';
import { issueApiKey, type IssuedApiKey } from '../keys/issue-api-key';
import { checkPassword } from './check-password';

/**
 * Email and password in, a new named API key out (shown once). Unknown address and wrong password are one 401. A
 * user holding the most keys loses the oldest key of the same name (issue-api-key.ts), so signing in always works.
 */
export async function signIn(db: Database, input: { email: string; password: string; keyName: string }): Promise<IssuedApiKey & { userId: string }> {
  const user = await checkPassword(db, input);
  return { ...(await issueApiKey(db, { userId: user.id, name: input.keyName, whenFull: 'replace-oldest-of-name' })), userId: user.id };
}
