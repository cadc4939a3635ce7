import { z } from 'zod';
import { TENANT_ROLES } from '../../domain/auth/roles.js';

export const apiKeyBody = z
  .strictObject({
    roles: z
      .array(z.enum(TENANT_ROLES))
      .min(1)
      .max(TENANT_ROLES.length)
      .describe('What the key may do: screener, reviewer, rules_admin, auditor, admin (admin may do everything)'),
    owner: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('The person or system the key belongs to. Four-eyes compares owners (and which key made which), not keys'),
    label: z.string().trim().min(1).max(100).optional().describe('What the key is for, for listings and the audit log'),
  })
  .meta({ id: 'ApiKeyRequest', example: { roles: ['screener'], owner: 'Workday connector (HR systems team)', label: 'HR system' } });

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    label: z.string().nullable(),
    owner: z.string().describe('The person or system the key belongs to'),
    createdByKeyId: z.uuid().nullable().describe('The key that created this one over the API; null for keys made with the CLI or at bootstrap'),
    roles: z.array(z.string()),
    keyPrefix: z.string().describe('The first characters of the key, to tell keys apart'),
    createdAt: z.string(),
    revokedAt: z.string().nullable().describe('When the key stopped working; null while it works'),
  })
  .meta({ id: 'ApiKey' });

/** A key as listed: never its secret or hash. */
export type ApiKeyView = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().describe('The secret, shown only in this response: send it as `Authorization: Bearer <key>`. Only its SHA-256 is stored.') })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema).describe("The tenant's keys, newest first, revoked ones included") }).meta({ id: 'ApiKeyList' });

export const currentApiKeySchema = apiKeySchema
  .extend({ tenant: z.string().describe("The key's tenant (slug)") })
  .meta({ id: 'CurrentApiKey', description: 'The key the request was made with: who holds it and what it may do' });
