import type { ListEntry } from '../domain/lists/list-entry.js';

/**
 * An importer's entries, read once as its files are (a refusal is thrown by that iteration), and
 * what reading them taught (digests, counts, warnings): complete once the entries are exhausted.
 */
export interface EntryStream<Summary> {
  entries: AsyncIterable<ListEntry> | Iterable<ListEntry>;
  summary(): Summary;
}

/** An EntryStream over a generator that hands its summary to `finish` when it ends. */
export function entryStream<Summary>(what: string, read: (finish: (summary: Summary) => void) => AsyncGenerator<ListEntry>): EntryStream<Summary> & { entries: AsyncIterable<ListEntry> } {
  let summary: Summary | undefined;
  return {
    entries: read((done) => (summary = done)),
    summary: () => {
      if (summary === undefined) throw new Error(`${what} has not been read to the end`);
      return summary;
    },
  };
}

/** Every entry and the summary at once (tests, tools; an import streams instead). */
export async function readToEnd<Summary extends object>(stream: EntryStream<Summary>): Promise<Summary & { entries: ListEntry[] }> {
  const entries: ListEntry[] = [];
  for await (const entry of stream.entries) entries.push(entry);
  return { ...stream.summary(), entries };
}
