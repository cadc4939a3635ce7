import { z } from 'zod';

export const tenantSlugParam = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a tenant slug such as acme').meta({ example: 'acme' }),
});

export const tenantBody = z
  .strictObject({
    slug: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be 2–40 lower-case letters, digits or hyphens')
      .describe('Names the tenant in keys, the CLI and its watchlists; never changes'),
    name: z.string().trim().min(1).max(200).describe('The organisation'),
  })
  .meta({ id: 'TenantRequest', example: { slug: 'acme', name: 'Acme Staffing Ltd' } });

export const tenantSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    createdAt: z.string(),
    disabledAt: z.string().nullable().describe("Since when the tenant's keys are refused (401); null while enabled"),
  })
  .meta({ id: 'Tenant' });

export type TenantView = z.infer<typeof tenantSchema>;

export const tenantListSchema = z.object({ items: z.array(tenantSchema) }).meta({ id: 'TenantList' });
