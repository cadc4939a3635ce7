import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { openMigratedDatabase } from './db/open-configured.js';
import { AppError } from './errors.js';
import { createApiKey } from './services/api-keys.service.js';
import { bootstrapIfEmpty } from './services/bootstrap.service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  keys create --tenant <slug> --role <role> [--role <role> ...] [--label <text>]
      Creates an API key and prints it once. Roles: screener, reviewer, rules_admin, auditor, admin.

The CLI opens the same database as the server (DATABASE_URL, or the embedded one in DATA_DIR).
The embedded database allows one process at a time: stop the server first, or use its HTTP API.
`;

async function keysCreate(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, role: { type: 'string', multiple: true }, label: { type: 'string' } },
    strict: true,
  });
  if (!values.tenant || !values.role?.length) throw new UsageError('keys create needs --tenant and at least one --role');
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    await bootstrapIfEmpty(database.db, config.BOOTSTRAP_API_KEY ? { bootstrapApiKey: config.BOOTSTRAP_API_KEY } : {});
    const created = await createApiKey(database.db, {
      tenantSlug: values.tenant,
      roles: values.role,
      ...(values.label ? { label: values.label } : {}),
    });
    process.stdout.write(`${JSON.stringify({ id: created.id, tenant: created.tenantSlug, roles: created.roles, key: created.key })}\n`);
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

async function run(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'keys' && command === 'create') return keysCreate(rest);
  if (group === undefined || group === 'help' || group === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new UsageError(`Unknown command: ${[group, command].filter(Boolean).join(' ')}`);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
  else if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof AppError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof Error && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') process.stderr.write(`${error.message}\n\n${USAGE}`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
