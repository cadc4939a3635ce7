import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; drizzle-kit never connects to a database here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
