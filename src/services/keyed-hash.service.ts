import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { getOrCreateSecret } from '../db/repositories/lookups.repository.js';
import type { KeyedHash } from '../domain/rules/subject-lookups.js';

/**
 * The HMAC that turns personal identifiers (document numbers, bank accounts, the link keys of
 * e-mails, phones, addresses) into stored keys. The key comes from PERSONAL_DATA_KEY, or is
 * generated once and kept in the database so every instance and restart agrees on it.
 */
export async function createKeyedHash(db: Db, configuredKey: string | undefined): Promise<KeyedHash> {
  const key = configuredKey ?? (await getOrCreateSecret(db, 'personal-data-hmac-key', () => randomBytes(32).toString('base64url')));
  return (message) => createHmac('sha256', key).update(message).digest('hex');
}
