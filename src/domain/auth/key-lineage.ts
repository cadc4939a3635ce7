/**
 * Four-eyes between people, not keys. Every key names its owner, and a key made over the API names
 * the key that made it. Whoever holds an admin key can make another key under any owner name, so
 * a different owner string alone proves nothing: two people are independent only when neither
 * holds a key descended (through any number of creations) from a key the other holds. Checked in
 * both directions: minting a second identity to approve with, and minting one to propose with
 * and approving with one's own key, are the same bypass.
 */

export interface KeyRecord {
  id: string;
  owner: string;
  /** The key that created this one; null for keys made by the CLI or at bootstrap. */
  createdByKeyId: string | null;
}

export type SecondPersonRule = 'same_owner' | 'key_lineage';

export interface SecondPersonRefusal {
  rule: SecondPersonRule;
  detail: string;
}

/** Owners are typed by people: "Alice Kim", " alice kim" and "ALICE KIM" are one person. */
export function sameOwner(a: string, b: string): boolean {
  const normal = (owner: string) => owner.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
  return normal(a) === normal(b);
}

/** Every key created, directly or through other keys, by one of `roots`. */
function descendants(keys: readonly KeyRecord[], roots: ReadonlySet<string>): Set<string> {
  const children = new Map<string, string[]>();
  for (const key of keys) {
    if (key.createdByKeyId !== null) children.set(key.createdByKeyId, [...(children.get(key.createdByKeyId) ?? []), key.id]);
  }
  const found = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as string) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return found;
}

/** Why `approverKeyId` may not approve what `proposerKeyId` proposed, or undefined when they are two people. */
export function secondPersonRefusal(keys: readonly KeyRecord[], proposerKeyId: string, approverKeyId: string): SecondPersonRefusal | undefined {
  const proposer = keys.find((key) => key.id === proposerKeyId);
  const approver = keys.find((key) => key.id === approverKeyId);
  if (proposerKeyId === approverKeyId || (proposer && approver && sameOwner(proposer.owner, approver.owner))) {
    return { rule: 'same_owner', detail: `Four-eyes (same owner): the proposal was made by ${approver ? `"${approver.owner}"` : 'this key'}; another person must approve it` };
  }
  if (!proposer || !approver) return undefined;
  const heldBy = (owner: string) => new Set(keys.filter((key) => sameOwner(key.owner, owner)).map((key) => key.id));
  const proposerKeys = heldBy(proposer.owner);
  const approverKeys = heldBy(approver.owner);
  const fromProposer = descendants(keys, proposerKeys);
  const fromApprover = descendants(keys, approverKeys);
  if ([...approverKeys].some((id) => fromProposer.has(id)) || [...proposerKeys].some((id) => fromApprover.has(id))) {
    return {
      rule: 'key_lineage',
      detail: `Four-eyes (key lineage): "${approver.owner}" and "${proposer.owner}" are not independent: one holds a key created by a key the other holds. Approve with a key that neither of them made`,
    };
  }
  return undefined;
}
