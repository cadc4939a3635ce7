import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { openMigratedDatabase } from './db/open-configured.js';
import { runVerifyExportCli } from './audit/verify-export.js';
import { AppError } from './errors.js';
import { createApiKey, revokeApiKey } from './services/api-keys.service.js';
import { bootstrapIfEmpty } from './services/bootstrap.service.js';
import { ListImportError } from './lists/list-import.errors.js';
import { LIST_FORMATS, type ListFormat } from './lists/parse-list.js';
import { importListFromPaths } from './services/list-import.service.js';
import { resolveListFormat } from './services/lists.service.js';
import { findTenantBySlug } from './db/repositories/tenancy.repository.js';
import { problemFor } from './http/plugins/errors.plugin.js';
import { invalidLine, toBatchItem } from './http/schemas/batch.schemas.js';
import { screenBatch, type BatchItem } from './services/batch.service.js';
import { createKeyedHash } from './services/keyed-hash.service.js';
import { ListIndexHolder } from './services/list-index.service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  keys create --tenant <slug> --owner <person or system> --role <role> [--role <role> ...] [--label <text>]
      Creates an API key and prints it once. Roles: screener, reviewer, rules_admin, auditor, admin.
      --owner names who holds the key: four-eyes approvals compare owners, not keys.

  keys revoke --tenant <slug> --id <key id>
      Revokes an API key (a running server stops accepting it within 5 s). Also: DELETE /v1/api-keys/{id}.

  audit verify-export [--json] <file>
      Checks a decision-log export (CSV or NDJSON from GET /v1/audit/decisions/export) offline, no
      database needed: manifest, row count, first and last hash, SHA-256 of the rows, chain links.
      Exit code 0: verified; 1: problems found (each named); 2: usage error or unreadable file.

  screen [--tenant <slug>] <file.ndjson | ->
      Screens one request per line ({ "subject": ..., "monitor"? }, as POST /v1/screenings) and writes
      one result per line to stdout: {"line","index","status":201,"decision"} or {"line","index","status","error"}.
      A repeated externalRef is refused on later lines (422). Progress goes to stderr when it is a terminal.
      Exit code 0: every line screened; 1: some lines have an error (each is in the output).
      e.g. screen profiles.ndjson > decisions.ndjson

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
    options: { tenant: { type: 'string' }, owner: { type: 'string' }, role: { type: 'string', multiple: true }, label: { type: 'string' } },
    strict: true,
  });
  const owner = values.owner?.trim();
  if (!values.tenant || !owner || !values.role?.length) throw new UsageError('keys create needs --tenant, --owner (the person or system the key belongs to) and at least one --role');
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    await bootstrapIfEmpty(database.db, config.BOOTSTRAP_API_KEY ? { bootstrapApiKey: config.BOOTSTRAP_API_KEY } : {});
    const created = await createApiKey(database.db, {
      tenantSlug: values.tenant,
      roles: values.role,
      owner,
      ...(values.label ? { label: values.label } : {}),
      actor: `cli:${process.env.USER ?? 'unknown'}`,
    });
    process.stdout.write(`${JSON.stringify({ id: created.id, tenant: created.tenantSlug, owner, roles: created.roles, key: created.key })}\n`);
  } finally {
    await database.close();
  }
}

async function keysRevoke(args: string[]) {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, id: { type: 'string' } }, strict: true });
  if (!values.tenant || !values.id) throw new UsageError('keys revoke needs --tenant and --id (the key id from keys create or GET /v1/api-keys)');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.id)) throw new UsageError('--id must be a key id (a UUID)');
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    const tenant = await findTenantBySlug(database.db, values.tenant);
    if (!tenant) throw new UsageError(`no tenant "${values.tenant}"`);
    const revoked = await revokeApiKey(database.db, { tenantId: tenant.id, id: values.id, actor: `cli:${process.env.USER ?? 'unknown'}` });
    process.stdout.write(`${JSON.stringify(revoked)}\n`);
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

/** Lines of an NDJSON file (or stdin) as batch items, blank lines skipped, numbered from 1. */
async function* ndjsonItems(input: NodeJS.ReadableStream): AsyncGenerator<BatchItem> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield invalidLine(line, (error as Error).message);
      continue;
    }
    yield toBatchItem(value, line);
  }
}

async function screenFile(args: string[]) {
  const { values, positionals } = parseArgs({ args, options: { tenant: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('screen needs one NDJSON file (or - for standard input)');
  const file = positionals[0]!;
  const input = file === '-' ? process.stdin : createReadStream(file);
  if (file !== '-') {
    // Fail on an unreadable file before touching the database.
    await once(input, 'open').catch((error: NodeJS.ErrnoException) => {
      throw new AppError('not_found', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
  }
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    await bootstrapIfEmpty(database.db, config.BOOTSTRAP_API_KEY ? { bootstrapApiKey: config.BOOTSTRAP_API_KEY } : {});
    const tenant = await findTenantBySlug(database.db, values.tenant ?? 'default');
    if (!tenant) throw new UsageError(`no tenant "${values.tenant ?? 'default'}"`);
    const lists = new ListIndexHolder();
    await lists.refresh(database.db);
    const deps = { db: database.db, lists, now: () => new Date(), keyedHash: await createKeyedHash(database.db, config.PERSONAL_DATA_KEY) };
    const progress = process.stderr.isTTY === true;
    const started = performance.now();
    let screened = 0;
    let failed = 0;
    let shownAt = 0;
    const show = (final: boolean) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? (screened + failed) / seconds : 0;
      process.stderr.write(`\r${screened} screened, ${failed} with errors, ${rate.toFixed(1)}/s, ${seconds.toFixed(1)} s${final ? '\n' : ''}`);
    };
    const results = screenBatch(deps, tenant.id, ndjsonItems(input), {
      onUnexpectedError: (error, index) => process.stderr.write(`${progress ? '\n' : ''}item ${index}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    });
    for await (const result of results) {
      const position = { ...(result.line !== undefined ? { line: result.line } : {}), index: result.index };
      const record =
        'decision' in result
          ? { ...position, status: result.status, decision: result.decision }
          : { ...position, status: result.status, error: problemFor(result.error.code, result.error.message, result.error.errors) };
      if ('decision' in result) screened += 1;
      else failed += 1;
      // Respect the pipe: a slow reader must not make the output buffer grow without bound.
      if (!process.stdout.write(`${JSON.stringify(record)}\n`)) await once(process.stdout, 'drain');
      if (progress && performance.now() - shownAt > 250) {
        shownAt = performance.now();
        show(false);
      }
    }
    if (progress) show(true);
    if (failed > 0) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

async function run(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'keys' && command === 'create') return keysCreate(rest);
  if (group === 'keys' && command === 'revoke') return keysRevoke(rest);
  if (group === 'lists' && command === 'import') return listsImport(rest);
  if (group === 'screen') return screenFile([command, ...rest].filter((arg): arg is string => arg !== undefined));
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
