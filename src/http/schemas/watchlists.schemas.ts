import { z } from 'zod';
import { watchlistFileSchema } from '../../lists/watchlist.importer.js';
import { allowShrinkQuery } from './lists.schemas.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be 2–40 lower-case letters, digits or hyphens');

export const watchlistSlugParam = z.object({ slug: slug.meta({ example: 'internal' }) });
export const watchlistVersionParams = watchlistSlugParam.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });

export const watchlistBody = z
  .strictObject({
    slug: slug.describe('Names the watchlist in URLs; decisions cite it as `<tenant slug>:<slug>`'),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ id: 'WatchlistRequest', example: { slug: 'internal', name: 'Do not hire' } });

export const watchlistSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    source: z.string().describe('How decisions, hits and listVersions name it: `<tenant slug>:<slug>`'),
    activeVersion: z.number().int().nullable(),
    activeVersionId: z.string().nullable(),
    contentDigest: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    importedAt: z.string().nullable(),
  })
  .meta({ id: 'Watchlist' });

export type WatchlistView = z.infer<typeof watchlistSchema>;

export const watchlistListSchema = z.object({ items: z.array(watchlistSchema) }).meta({ id: 'WatchlistList' });

export const watchlistImportQuery = z.strictObject({ allowShrink: allowShrinkQuery });

/** The JSON form; the CSV form (`text/csv`) is described in the operation. */
export const watchlistImportBody = watchlistFileSchema.meta({
  id: 'WatchlistFile',
  example: {
    entries: [
      { name: 'Jin Sung-Il', type: 'individual', identifiers: [{ kind: 'email', value: 'jin.dev@example.org' }, { kind: 'bank_account', value: 'GB33BUKB20201555555555' }], note: 'Laptop farm, case 2025-14' },
      { identifiers: [{ kind: 'ip', value: '175.45.176.10' }], note: 'Partner feed' },
    ],
  },
});
