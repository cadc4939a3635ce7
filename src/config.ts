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
  BOOTSTRAP_OPERATOR_KEY: z
    .string()
    .min(24, 'must be at least 24 characters')
    .optional()
    .describe('Operator key (tenants and global lists), created on a start that finds no operator key; random when unset'),
  PERSONAL_DATA_KEY: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HMAC key for stored identifier hashes (documents, bank accounts, link keys); generated and kept in the database when unset'),
  SEED_LISTS: z
    .enum(['full', 'dprk', 'none', 'bundled'])
    .default('full')
    .transform((value) => (value === 'bundled' ? 'full' : value))
    .describe('On a database without lists, load the whole bundled OFAC SDN, UN and curated lists (full), only their DPRK-related entries (dprk: fast demos and tests), or nothing (none); bundled is the old name of full'),
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
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(1200)
    .describe('Requests per minute each API key may make, counted per instance (0: no limit); health, docs and console are exempt'),
  AUTH_FAILURES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(30)
    .describe('Requests with a key that is not valid each client address may make per minute, per instance, before 429 (0: no limit)'),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, 'must be true, false, a number of proxy hops, or addresses/CIDRs separated by commas')
    .default('false')
    .describe('Take the client address from X-Forwarded-For set by this many proxies (or these proxy addresses); false: the connecting address'),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(15_000)
    .describe('A request not answered within this many ms gets 503 (0: never); uploads and started streams are exempt'),
  SHUTDOWN_GRACE_SECONDS: z.coerce
    .number()
    .min(1)
    .max(3600)
    .default(25)
    .describe('On SIGTERM, how long in-flight requests may take to finish before the process exits anyway'),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Let webhooks target private, loopback and link-local addresses (an HR system on the internal network); off, only public addresses'),
  EVALUATION_THREAD: z
    .enum(['on', 'off'])
    .default('on')
    .describe("Run screenings' rules and name searches on a worker thread (another copy of the matching index in memory); off: on the event loop"),
  MONITORING_WORKER: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Re-screen monitored subjects on this instance when a list or ruleset version becomes active (off: other instances still may)'),
  MONITORING_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500).describe('Monitored subjects a worker leases and re-screens at a time'),
  MONITORING_LEASE_SECONDS: z.coerce
    .number()
    .min(1)
    .max(3600)
    .default(30)
    .describe("How long a worker's lease on a batch lasts without a heartbeat; a crashed instance's batch is taken over after it"),
  IP_DATABASE_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Country database in MaxMind format (mmdb) that login IPs are geolocated with; unset: the bundled @ip-location-db/geo-whois-asn-country-mmdb'),
  LIST_SOURCES_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('JSON file naming the lists to fetch on a schedule (source, format, URLs, interval, maximum age); validated at start-up'),
  AUDIT_SIGNING_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Ed25519 private key (PKCS#8 PEM, `openssl genpkey -algorithm ed25519`) that signs audit checkpoints; never stored in the database. Unset: no checkpoints'),
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(10_000_000).default(1000).describe("Sign a tenant's chain head once it moved this many decisions past the last checkpoint"),
  AUDIT_CHECKPOINT_MINUTES: z.coerce
    .number()
    .min(0)
    .max(10080)
    .default(10)
    .describe("Or once the last checkpoint is this many minutes old and the head moved since (0: by count only)"),
  METRICS: z
    .string()
    .regex(/^(off|operator|port:\d{1,5})$/, 'must be off, operator or port:<n>')
    .refine((value) => !value.startsWith('port:') || Number(value.slice(5)) <= 65535, 'port must be at most 65535')
    .default('operator')
    .describe('Prometheus metrics: operator (GET /metrics with an operator key), port:<n> (a listener of their own on HOST, no key: keep it off the internet), or off'),
  METRICS_TENANT_LABELS: z
    .enum(['on', 'off'])
    .default('off')
    .describe("Label the chain-head metric with each tenant's id (off: one aggregate; tenant ids are the only tenant label ever used)"),
  VALIDATE_RESPONSES: z
    .enum(['on', 'off'])
    .default('off')
    .describe('Check every response against its zod schema before sending it (on in the tests; off in production, where the compiled serialiser writes it)'),
  LIST_FETCH_WORKER: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Fetch the lists of LIST_SOURCES_FILE when due on this instance (off: other instances, or `lists fetch` from cron, still may)'),
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
