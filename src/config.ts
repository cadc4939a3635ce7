import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every environment variable the service reads, in one place, each described. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('TCP port to listen on'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to bind; 0.0.0.0 inside containers'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .describe('PostgreSQL connection string; unset means the embedded PGlite database under DATA_DIR'),
  DATA_DIR: z.string().min(1).default('./data').describe('Where the embedded PGlite database keeps its files'),
  LOG_LEVEL: z.enum(logLevels).default('info').describe('pino log level'),
  BOOTSTRAP_API_KEY: z
    .string()
    .min(24, 'must be at least 24 characters')
    .optional()
    .describe('Admin key for tenant "default", created on first start with an empty database; random when unset'),
  PERSONAL_DATA_KEY: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HMAC key for stored identifier hashes (documents, bank accounts, link keys); generated and kept in the database when unset'),
  SEED_LISTS: z
    .enum(['bundled', 'none'])
    .default('bundled')
    .describe('On an empty database, load the bundled list data (bundled) or start with no lists (none)'),
  LIST_REFRESH_SECONDS: z.coerce
    .number()
    .min(0)
    .max(3600)
    .default(5)
    .describe('How often each instance checks for a newly activated list version (0: never)'),
  RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(36500)
    .default(365)
    .describe('Erase the stored screening input of decisions older than this many days, keeping its digest (0: keep forever)'),
  RETENTION_CHECK_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(10080)
    .default(60)
    .describe('How often each instance runs the retention job (0: never; erasure on request still works)'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings (e.g. `DATABASE_URL=` in a compose file) mean "unset", as in most 12-factor tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
