import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -- --name <what_it_does>` writes a new append-only migration into drizzle/.
// Applying them is `npm run db:migrate` (src/db/migrate.ts), which takes an advisory lock.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  strict: true,
});
