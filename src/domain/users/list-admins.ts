import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';

/** Every user with the admin role (the recipients of operators' alerts), oldest account first. */
export function listAdmins(db: Database): Promise<Array<{ id: string; email: string }>> {
  return db.select({ id: users.id, email: users.email }).from(users).where(eq(users.role, 'ADMIN')).orderBy(asc(users.createdAt), asc(users.id));
}
