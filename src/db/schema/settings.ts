import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Secrets the service generates for itself on first start when the operator has not set them
 * (the keyed-hash key for personal identifiers). An environment variable always wins.
 */
export const serviceSecrets = pgTable('service_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
