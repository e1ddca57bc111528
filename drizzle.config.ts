import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations into src/db/migrations; the program applies them at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './src/db/migrations',
});
