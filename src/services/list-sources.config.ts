import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { DATASET_NAME, LIST_FORMATS, REGIME_NAME } from '../lists/parse-list.js';
import { KNOWN_SOURCES, SOURCE_SLUG } from './lists.service.js';

/**
 * LIST_SOURCES_FILE: the lists this installation fetches by itself, where from and how often.
 *
 * {"sources": [
 *   {"source": "ofac-sdn", "format": "ofac-csv", "urls": [".../SDN.CSV", ".../ALT.CSV"], "everyMinutes": 360},
 *   {"source": "jp-mof", "format": "ftm", "urls": [".../entities.ftm.json"], "datasets": ["jp_mof_sanctions"], "everyMinutes": 1440, "maxAgeHours": 72}
 * ]}
 */

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  },
  { error: (issue) => `must be an http:// or https:// URL, not ${JSON.stringify(issue.input)}` },
);

export const listSourceConfigSchema = z
  .strictObject({
    source: z.string().regex(SOURCE_SLUG, 'must be 2–40 lower-case letters, digits or hyphens'),
    format: z.enum(LIST_FORMATS, { error: (issue) => `${JSON.stringify(issue.input)} is not a list format (${LIST_FORMATS.join(', ')})` }),
    urls: z.array(httpUrl).min(1).max(8).describe('ofac-csv: the main file and optionally alt, add and comments; other formats: one file'),
    datasets: z.array(z.string().regex(DATASET_NAME, 'must be an OpenSanctions dataset name')).min(1).max(20).optional().describe('ftm: keep these datasets'),
    regimes: z.array(z.string().regex(REGIME_NAME, 'must be a UN regime such as DPRK')).min(1).max(20).optional().describe('un-xml: keep these regimes'),
    dprkOnly: z.boolean().optional().describe('keep only DPRK-related entries, as `lists import --dprk-only`'),
    everyMinutes: z.number().int().min(1).max(525_600).default(1440),
    maxAgeHours: z.number().positive().max(87_600).optional().describe('raise list.stale once the list has not been current for this long'),
  })
  .superRefine((entry, context) => {
    if (entry.datasets && entry.format !== 'ftm') context.addIssue({ code: 'custom', path: ['datasets'], message: 'only for format ftm' });
    if (entry.regimes && entry.format !== 'un-xml') context.addIssue({ code: 'custom', path: ['regimes'], message: 'only for format un-xml' });
    if (entry.format !== 'ofac-csv' && entry.urls.length > 1) context.addIssue({ code: 'custom', path: ['urls'], message: `format ${entry.format} takes one file` });
    const known = KNOWN_SOURCES[entry.source];
    if (known && known.format !== entry.format) context.addIssue({ code: 'custom', path: ['format'], message: `${entry.source} is imported as ${known.format}` });
  });

export type ListSourceConfig = z.infer<typeof listSourceConfigSchema>;

const listSourcesFileSchema = z.strictObject({ sources: z.array(listSourceConfigSchema).max(100) }).superRefine((file, context) => {
  const seen = new Set<string>();
  file.sources.forEach((entry, index) => {
    if (seen.has(entry.source)) context.addIssue({ code: 'custom', path: ['sources', index, 'source'], message: `${entry.source} is configured twice` });
    seen.add(entry.source);
  });
});

/**
 * The configured sources, validated. Any problem is a ConfigError naming the file and the entry
 * (`sources[1] (jp-mof): format: "ftmx" is not a list format ...`), which stops start-up.
 */
export function parseListSources(text: string, file: string): ListSourceConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`LIST_SOURCES_FILE ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = listSourcesFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data.sources;
  const entries = (raw as { sources?: unknown } | null)?.sources;
  const lines = parsed.error.issues.map((issue) => {
    const [first, index, ...rest] = issue.path;
    if (first !== 'sources' || typeof index !== 'number') return `  ${issue.path.join('.') || '(file)'}: ${issue.message}`;
    const name = Array.isArray(entries) ? (entries[index] as { source?: unknown } | undefined)?.source : undefined;
    const where = `sources[${index}]${typeof name === 'string' ? ` (${name})` : ''}`;
    return `  ${where}${rest.length > 0 ? `: ${rest.join('.')}` : ''}: ${issue.message}`;
  });
  throw new ConfigError(`LIST_SOURCES_FILE ${file} is invalid:\n${lines.join('\n')}`);
}

export async function loadListSources(file: string): Promise<ListSourceConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`LIST_SOURCES_FILE ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseListSources(text, file);
}
