import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs src/db/schema against drizzle/ and writes a new migration there.
export default defineConfig({
  dialect: 'mysql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
