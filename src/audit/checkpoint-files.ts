/**
 * Checkpoints and public keys kept outside the service, as the offline verifier reads them
 * (`audit verify-export --checkpoints <file> --public-key <file>`).
 */
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { signedCheckpointSchema, type SignedCheckpoint } from '../domain/audit/checkpoint.js';
import { publicSigningKey, type PublicSigningKey } from './checkpoint-signing.js';

export class CheckpointFileError extends Error {}

/** A checkpoint as found in a file, with the public key a webhook delivery carries beside it. */
export type FiledCheckpoint = SignedCheckpoint & { publicKey?: string };

function checkpointOf(value: unknown, where: string): FiledCheckpoint {
  // A webhook delivery ({event: "audit.checkpoint", data: {...}}) is accepted as it was received.
  const inner = typeof value === 'object' && value !== null && 'data' in value && (value as { event?: unknown }).event === 'audit.checkpoint' ? (value as { data: unknown }).data : value;
  const parsed = signedCheckpointSchema.safeParse(inner);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointFileError(`${where}: not a checkpoint (${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'})`);
  }
  const publicKey = (inner as { publicKey?: unknown }).publicKey;
  return typeof publicKey === 'string' ? { ...parsed.data, publicKey } : parsed.data;
}

/**
 * Reads checkpoints from JSON (an array, a GET /v1/audit/checkpoints page, `{checkpoints: [...]}`
 * or one checkpoint) or NDJSON (one checkpoint or webhook delivery per line).
 */
export function parseCheckpoints(text: string, name: string): FiledCheckpoint[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    const list = Array.isArray(whole)
      ? whole
      : typeof whole === 'object' && whole !== null && Array.isArray((whole as { items?: unknown }).items)
        ? (whole as { items: unknown[] }).items
        : typeof whole === 'object' && whole !== null && Array.isArray((whole as { checkpoints?: unknown }).checkpoints)
          ? (whole as { checkpoints: unknown[] }).checkpoints
          : [whole];
    return list.map((value, index) => checkpointOf(value, `${name} item ${index + 1}`));
  }
  const checkpoints: FiledCheckpoint[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CheckpointFileError(`${name} line ${index + 1}: neither JSON nor NDJSON`);
    }
    checkpoints.push(checkpointOf(value, `${name} line ${index + 1}`));
  });
  return checkpoints;
}

export async function readCheckpointsFile(path: string): Promise<FiledCheckpoint[]> {
  return parseCheckpoints(await readFile(path, 'utf8'), path);
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/**
 * Public keys from PEM (one or more blocks) or the JSON of GET /v1/audit/checkpoints/public-key.
 * Key ids are computed from the keys themselves, never taken from the file.
 */
export function parsePublicKeys(text: string, name: string): PublicSigningKey[] {
  let pems: string[];
  try {
    const value = JSON.parse(text) as { keys?: { publicKey?: unknown }[] };
    pems = (value.keys ?? []).map((key) => key.publicKey).filter((key): key is string => typeof key === 'string');
  } catch {
    pems = text.match(PEM_BLOCK) ?? [];
  }
  if (pems.length === 0) throw new CheckpointFileError(`${name}: no public key (PEM "BEGIN PUBLIC KEY" or the JSON of GET /v1/audit/checkpoints/public-key)`);
  return pems.map((pem, index) => {
    try {
      return publicSigningKey(createPublicKey({ key: pem, format: 'pem' }));
    } catch (error) {
      throw new CheckpointFileError(`${name} key ${index + 1}: ${(error as Error).message}`);
    }
  });
}

export async function readPublicKeysFile(path: string): Promise<PublicSigningKey[]> {
  return parsePublicKeys(await readFile(path, 'utf8'), path);
}
