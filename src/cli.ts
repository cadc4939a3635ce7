import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { openMigratedDatabase } from './db/open-configured.js';
import { runVerifyExportCli } from './audit/verify-export.js';
import { AppError } from './errors.js';
import { createApiKey, createOperatorKey, revokeApiKey } from './services/api-keys.service.js';
import { createTenant, disableTenant, listTenants } from './services/tenants.service.js';
import type { Db } from './db/client.js';
import { bootstrapIfEmpty, bootstrapKeysOf } from './services/bootstrap.service.js';
import { ListImportError } from './lists/list-import.errors.js';
import { LIST_FORMATS, type ListFormat } from './lists/parse-list.js';
import { importListFromPaths } from './services/list-import.service.js';
import { DEFAULT_LIST_FETCH_OPTIONS, fetchListSource, registerListSources } from './services/list-fetch.service.js';
import { loadListSources } from './services/list-sources.config.js';
import { resolveListFormat } from './services/lists.service.js';
import { findTenantBySlug } from './db/repositories/tenancy.repository.js';
import { problemFor } from './http/plugins/errors.plugin.js';
import { invalidLine, toBatchItem } from './http/schemas/batch.schemas.js';
import { screenBatch, type BatchItem } from './services/batch.service.js';
import { createServices, type ServicesLog } from './services/container.js';

/** Warnings of the services the CLI builds go to stderr as one JSON line each (stdout is the output). */
const stderrLog: ServicesLog = {
  info: () => undefined,
  warn: (details, message) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...details })}\n`),
  error: (details, message) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...details })}\n`),
};

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  tenants create --slug <slug> --name <name>
      Creates a tenant with the default ruleset. Then give it an admin key with keys create.
  tenants list
  tenants disable --slug <slug>
      Its keys are refused (401) from now on (a running server: within 5 s); its data stays.

  keys create --tenant <slug> --owner <person or system> --role <role> [--role <role> ...] [--label <text>]
      Creates an API key of a tenant and prints it once. Roles: screener, reviewer, rules_admin,
      auditor, admin. --owner names who holds the key: four-eyes approvals compare owners, not
      keys. Fails for an unknown or disabled tenant.
  keys create --operator --owner <person or system> [--label <text>]
      Creates an operator key (tenants and global lists; it reads no tenant's data) and prints it once.

  keys revoke --tenant <slug> --id <key id>
      Revokes an API key (a running server stops accepting it within 5 s). Also: DELETE /v1/api-keys/{id}.

  lists fetch [--source <slug>] [--config <file>]
      Fetches the lists of LIST_SOURCES_FILE (or --config) now, each once (only --source if given),
      as the scheduled fetch does: a new version, the same one, or a failure that keeps the active
      version and queues list.fetch_failed (a running server sends it). A source another instance
      is fetching is skipped. Prints one JSON line per source. Exit code 0: none failed; 1: some failed.

  audit verify-export [--json] [--checkpoints <file>]... [--public-key <file>]... <file>
      Checks a decision-log export (CSV or NDJSON from GET /v1/audit/decisions/export) offline, no
      database needed: manifest, row count, first and last hash, SHA-256 of the rows, chain links,
      and the signed checkpoints of the manifest and of each --checkpoints file (kept outside the
      database) against the rows and the chain head; --public-key pins the keys trusted to sign.
      Exit code 0: verified; 1: problems found (each named); 2: usage error or unreadable file.

  screen [--tenant <slug>] <file.ndjson | ->
      Screens one request per line ({ "subject": ..., "monitor"? }, as POST /v1/screenings) and writes
      one result per line to stdout: {"line","index","status":201,"decision"} or {"line","index","status","error"}.
      A repeated externalRef is refused on later lines (422). Progress goes to stderr when it is a terminal.
      Exit code 0: every line screened; 1: some lines have an error (each is in the output).
      e.g. screen profiles.ndjson > decisions.ndjson

  lists import --source <slug> [--format ofac-csv|un-xml|redflag-json|ftm] [--dataset <name> ...] [--regime <name> ...]
               [--dprk-only] [--allow-shrink] <files or folder>...
      Imports list files as a new version of a global list (or finds the identical one) and prints it.
      A new slug (2-40 of a-z, 0-9, -) creates the source; say its --format. --dataset keeps the FtM
      entities of those OpenSanctions datasets; --regime keeps the UN entries of those regimes
      (UN_LIST_TYPE). A version that would remove more than 20% of the active version's entries is
      refused unless --allow-shrink says the list really shrank.
      e.g. lists import --source ofac-sdn --format ofac-csv ./sdn-files/
           lists import --source un --format un-xml --regime DPRK ./consolidated.xml
           lists import --source jp-mof --format ftm --dataset jp_mof_sanctions ./entities.ftm.json.gz

The CLI opens the same database as the server (DATABASE_URL, or the embedded one in DATA_DIR).
The embedded database allows one process at a time: stop the server first, or use its HTTP API.
`;

const cliActor = () => `cli:${process.env.USER ?? 'unknown'}`;

/** Opens the configured database (bootstrapped, as the server would find it), runs `work`, closes. */
async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openMigratedDatabase(config);
  try {
    await bootstrapIfEmpty(database.db, bootstrapKeysOf(config));
    return await work(database.db);
  } finally {
    await database.close();
  }
}

async function keysCreate(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, owner: { type: 'string' }, role: { type: 'string', multiple: true }, label: { type: 'string' }, operator: { type: 'boolean' } },
    strict: true,
  });
  const owner = values.owner?.trim();
  if (values.operator && (values.tenant || values.role?.length)) throw new UsageError('an operator key belongs to no tenant and has no other role: use --operator alone (with --owner and --label)');
  if (!values.operator && (!values.tenant || !values.role?.length)) throw new UsageError('keys create needs --tenant and at least one --role, or --operator');
  if (!owner) throw new UsageError('keys create needs --owner: the person or system the key belongs to (four-eyes approvals compare owners, not keys)');
  const details = { owner, ...(values.label ? { label: values.label } : {}), actor: cliActor() };
  const created = await withDatabase((db) => (values.operator ? createOperatorKey(db, details) : createApiKey(db, { tenantSlug: values.tenant!, roles: values.role!, ...details })));
  process.stdout.write(`${JSON.stringify({ id: created.id, tenant: created.tenantSlug, owner, roles: created.roles, key: created.key })}\n`);
}

async function tenantsCommand(command: string | undefined, args: string[]) {
  const { values } = parseArgs({ args, options: { slug: { type: 'string' }, name: { type: 'string' } }, strict: true });
  if (command === 'create') {
    if (!values.slug || !values.name) throw new UsageError('tenants create needs --slug and --name');
    const created = await withDatabase((db) => createTenant(db, { slug: values.slug!, name: values.name!, createdBy: cliActor() }));
    process.stdout.write(`${JSON.stringify({ slug: created.slug, name: created.name, createdAt: created.createdAt })}\n`);
  } else if (command === 'list') {
    for (const tenant of await withDatabase((db) => listTenants(db))) process.stdout.write(`${JSON.stringify(tenant)}\n`);
  } else if (command === 'disable') {
    if (!values.slug) throw new UsageError('tenants disable needs --slug');
    process.stdout.write(`${JSON.stringify(await withDatabase((db) => disableTenant(db, { slug: values.slug!, actor: cliActor() })))}\n`);
  } else {
    throw new UsageError(`Unknown command: tenants ${command ?? ''}`);
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
    const revoked = await revokeApiKey(database.db, { tenantId: tenant.id, id: values.id, actor: cliActor() });
    process.stdout.write(`${JSON.stringify(revoked)}\n`);
  } finally {
    await database.close();
  }
}

async function listsImport(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      source: { type: 'string' },
      format: { type: 'string' },
      'dprk-only': { type: 'boolean' },
      'allow-shrink': { type: 'boolean' },
      dataset: { type: 'string', multiple: true },
      regime: { type: 'string', multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.source || positionals.length === 0) throw new UsageError('lists import needs --source and at least one file or folder');
  const filters = { ...(values.dataset ? { datasets: values.dataset } : {}), ...(values.regime ? { regimes: values.regime } : {}) };
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
      importedBy: cliActor(),
      filters,
      ...(values['dprk-only'] ? { selection: 'dprk' as const } : {}),
      ...(values['allow-shrink'] ? { allowShrink: true } : {}),
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

async function listsFetch(args: string[]) {
  const { values } = parseArgs({ args, options: { source: { type: 'string' }, config: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const file = values.config ?? config.LIST_SOURCES_FILE;
  if (!file) throw new UsageError('lists fetch needs --config <file> or LIST_SOURCES_FILE');
  const sources = await loadListSources(file);
  const chosen = values.source === undefined ? sources : sources.filter((source) => source.source === values.source);
  if (chosen.length === 0) throw new UsageError(values.source === undefined ? `${file} names no source` : `no source "${values.source}" in ${file}`);
  const database = await openMigratedDatabase(config);
  try {
    await registerListSources(database.db, sources);
    for (const source of chosen) {
      const outcome = await fetchListSource({ db: database.db, now: () => new Date() }, source, DEFAULT_LIST_FETCH_OPTIONS, { force: true });
      const said =
        outcome.result === 'failed'
          ? `failed, the active version stays: ${outcome.error}`
          : outcome.result === 'skipped'
            ? 'skipped: another instance is fetching it'
            : outcome.result === 'new_version'
              ? `new version ${outcome.version}`
              : `unchanged${outcome.notModified ? ' (not modified)' : ` (version ${outcome.version})`}`;
      process.stderr.write(`${source.source}: ${said}\n`);
      process.stdout.write(`${JSON.stringify(outcome)}\n`);
      if (outcome.result === 'failed') process.exitCode = 1;
    }
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
    await bootstrapIfEmpty(database.db, bootstrapKeysOf(config));
    const tenant = await findTenantBySlug(database.db, values.tenant ?? 'default');
    if (!tenant) throw new UsageError(`no tenant "${values.tenant ?? 'default'}"`);
    // The services a server builds, without its background loops (the lifecycle is never started):
    // deliveries these screenings queue are sent by the server.
    const services = await createServices({
      database,
      config: {
        ...(config.PERSONAL_DATA_KEY ? { personalDataKey: config.PERSONAL_DATA_KEY } : {}),
        ...(config.IP_DATABASE_FILE ? { ipDatabase: { path: config.IP_DATABASE_FILE } } : {}),
        metrics: false,
        monitoring: false,
        listRefreshMs: 0,
        retentionCheckMs: 0,
      },
      log: stderrLog,
    });
    const deps = { db: database.db, lists: services.lists, now: services.now, keyedHash: services.keyedHash, rulesets: services.rulesets, inFlight: services.inFlight, chains: services.chains, ...(services.ipLocator ? { ipLocator: services.ipLocator } : {}) };
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
  if (group === 'tenants') return tenantsCommand(command, rest);
  if (group === 'keys' && command === 'revoke') return keysRevoke(rest);
  if (group === 'lists' && command === 'import') return listsImport(rest);
  if (group === 'lists' && command === 'fetch') return listsFetch(rest);
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
