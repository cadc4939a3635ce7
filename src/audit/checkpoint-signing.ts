/**
 * node:crypto for signed audit checkpoints: the Ed25519 key read from AUDIT_SIGNING_KEY_FILE,
 * key fingerprints, signing and checking (the signed form is in src/domain/audit/checkpoint.ts).
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkpointPayload, type CheckpointClaim, type SignedCheckpoint } from '../domain/audit/checkpoint.js';
import { sha256Hex } from '../shared/hashing.js';

export const SIGNING_ALGORITHM = 'ed25519';

export interface PublicSigningKey {
  keyId: string;
  algorithm: typeof SIGNING_ALGORITHM;
  /** SPKI PEM. */
  publicKey: string;
}

export interface CheckpointSigner {
  readonly key: PublicSigningKey;
  sign(claim: Omit<CheckpointClaim, 'keyId'>): SignedCheckpoint;
}

export class SigningKeyError extends Error {}

/** SHA-256 (hex) of the DER SubjectPublicKeyInfo: the same for the key however its PEM is wrapped. */
export function keyFingerprint(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

export function publicSigningKey(publicKey: KeyObject): PublicSigningKey {
  if (publicKey.asymmetricKeyType !== SIGNING_ALGORITHM) throw new SigningKeyError(`the key is ${publicKey.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
  return { keyId: keyFingerprint(publicKey), algorithm: SIGNING_ALGORITHM, publicKey: String(publicKey.export({ type: 'spki', format: 'pem' })) };
}

/** A signer over a PKCS#8 PEM private key (`openssl genpkey -algorithm ed25519`). */
export function createCheckpointSigner(pem: string): CheckpointSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new SigningKeyError(`not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== SIGNING_ALGORITHM) {
    throw new SigningKeyError(`the key is ${privateKey.asymmetricKeyType ?? 'unknown'}, not Ed25519 (openssl genpkey -algorithm ed25519)`);
  }
  const key = publicSigningKey(createPublicKey(privateKey));
  return {
    key,
    sign(claim) {
      const full = { ...claim, keyId: key.keyId };
      const signature = sign(null, Buffer.from(checkpointPayload(full), 'utf8'), privateKey).toString('base64');
      return { ...full, signature };
    },
  };
}

/** Reads AUDIT_SIGNING_KEY_FILE; a missing, unreadable or wrong key is a SigningKeyError naming the file. */
export async function loadCheckpointSigner(path: string): Promise<CheckpointSigner> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new SigningKeyError(`AUDIT_SIGNING_KEY_FILE ${path}: ${(error as Error).message}`);
  }
  try {
    return createCheckpointSigner(pem);
  } catch (error) {
    throw new SigningKeyError(`AUDIT_SIGNING_KEY_FILE ${path}: ${(error as Error).message}`);
  }
}

export type SignatureCheck = 'valid' | 'invalid' | 'unknown_key';

/**
 * Checks a checkpoint's signature with the key its id names, among `keys` (keyed by id). A key
 * whose fingerprint is not its id does not count: ids cannot be borrowed by another key.
 */
export function createSignatureChecker(keys: Iterable<{ keyId: string; publicKey: string }>): (checkpoint: SignedCheckpoint) => SignatureCheck {
  const byId = new Map<string, KeyObject>();
  for (const entry of keys) {
    try {
      const publicKey = createPublicKey({ key: entry.publicKey, format: 'pem' });
      if (publicKey.asymmetricKeyType === SIGNING_ALGORITHM && keyFingerprint(publicKey) === entry.keyId) byId.set(entry.keyId, publicKey);
    } catch {
      // An unreadable key verifies nothing; its checkpoints report unknown_key.
    }
  }
  return (checkpoint) => {
    const publicKey = byId.get(checkpoint.keyId);
    if (!publicKey) return 'unknown_key';
    const { signature, ...claim } = checkpoint;
    try {
      return verify(null, Buffer.from(checkpointPayload(claim), 'utf8'), publicKey, Buffer.from(signature, 'base64')) ? 'valid' : 'invalid';
    } catch {
      return 'invalid';
    }
  };
}
