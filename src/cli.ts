import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { openMigratedDatabase } from './db/open-configured.js';
import { runVerifyExportCli } from './audit/verify-export.js';
import { AppError } from './errors.js';
import { createApiKey } from './services/api-keys.service.js';
import { bootstrapIfEmpty } from './services/bootstrap.service.js';
import { ListImportError } from './lists/list-import.errors.js';
import { LIST_FORMATS, type ListFormat } from './lists/parse-list.js';
import { importListFromPaths } from './services/list-import.service.js';
import { resolveListFormat } from './services/lists.service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  keys create --tenant <slug> --role <role> [--role <role> ...] [--label <text>]
      Creates an API key and prints it once. Roles: screener, reviewer, rules_admin, auditor, admin.

  audit verify-export [--json] <file>
      Checks a decision-log export (CSV or NDJSON from GET /v1/audit/decisions/export) offline, no
      database needed: manifest, row count, first and last hash, SHA-256 of the rows, chain links.
      Exit code 0: verified; 1: problems found (each named); 2: usage error or unreadable file.

  lists import --source <slug> [--format ofac-csv|un-xml|redflag-json] [--dprk-only] <files or folder>...
      Imports list files as a new version (or finds the identical one) and prints it.
      e.g. lists import --source ofac-sdn --format ofac-csv ./sdn-files/
           lists import --source un --format un-xml ./consolidated.xml

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
      actor: `cli:${process.env.USER ?? 'unknown'}`,
    });
    process.stdout.write(`${JSON.stringify({ id: created.id, tenant: created.tenantSlug, roles: created.roles, key: created.key })}\n`);
  } finally {
    await database.close();
  }
}

async function listsImport(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: { source: { type: 'string' }, format: { type: 'string' }, 'dprk-only': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (!values.source || positionals.length === 0) throw new UsageError('lists import needs --source and at least one file or folder');
  if (values.format !== undefined && !(LIST_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${LIST_FORMATS.join(', ')}`);
  }
  const format = resolveListFormat(values.source, values.format as ListFormat | undefined);
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    const started = performance.now();
    const outcome = await importListFromPaths(database.db, {
      source: values.source,
      format,
      paths: positionals,
      importedBy: `cli:${process.env.USER ?? 'unknown'}`,
      ...(values['dprk-only'] ? { selection: 'dprk' as const } : {}),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const { version } = outcome;
    process.stderr.write(
      `${outcome.created ? 'Imported' : 'Already imported, unchanged:'} ${version.source} version ${version.version} ` +
        `(${version.counts.entries} entries, ${seconds} s, digest ${version.contentDigest.slice(0, 12)})\n`,
    );
    for (const warning of outcome.warnings.slice(0, 20)) process.stderr.write(`warning: ${warning.file}${warning.line ? `:${warning.line}` : ''}: ${warning.message}\n`);
    process.stdout.write(`${JSON.stringify({ created: outcome.created, ...version })}\n`);
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

async function run(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'keys' && command === 'create') return keysCreate(rest);
  if (group === 'lists' && command === 'import') return listsImport(rest);
  if (group === 'audit' && command === 'verify-export') {
    // Offline: no configuration or database is read.
    process.exitCode = await runVerifyExportCli(rest, process.stdout, process.stderr);
    return;
  }
  if (group === undefined || group === 'help' || group === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new UsageError(`Unknown command: ${[group, command].filter(Boolean).join(' ')}`);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
  else if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof AppError || error instanceof ListImportError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof Error && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') process.stderr.write(`${error.message}\n\n${USAGE}`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
