const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

export interface UnstorableText {
  /** JSON pointer of the string (or of the object whose key) holding it. */
  field: string;
  reason: 'nul' | 'surrogate';
}

/**
 * Finds text PostgreSQL cannot store: `text` and `jsonb` refuse U+0000 and unpaired UTF-16
 * surrogates, which valid JSON can carry as `\u0000` / `\ud800` escapes. Neither is a real name
 * or note, so callers refuse the input as a client error rather than fail at insert with a 500.
 * Iterative, so deeply nested input cannot overflow the stack.
 */
export function findUnstorableText(root: unknown): UnstorableText | undefined {
  const check = (text: string) => (text.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(text) ? 'surrogate' : undefined);
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [current, field] = stack.pop()!;
    if (typeof current === 'string') {
      const reason = check(current);
      if (reason) return { field: field || '/', reason };
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push([item, `${field}/${index}`]));
    } else if (current && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const reason = check(key);
        if (reason) return { field: field || '/', reason };
        stack.push([item, `${field}/${pointer(key)}`]);
      }
    }
  }
  return undefined;
}
