/**
 * Memory for pure functions of a string key. List names repeat their words thousands of times
 * ("Mohammed", "Trading", "Co"), so an index build would otherwise recompute the same token
 * forms for most of its tokens. The memory forgets everything once it holds `max` results, so
 * queries of arbitrary text cannot grow it without bound; what it returns never depends on
 * whether a result was remembered. Results are shared between callers: they must not be
 * mutated.
 */
export class TextMemo<T> {
  private readonly results = new Map<string, T>();

  constructor(private readonly max: number) {}

  get(key: string, compute: () => T): T {
    const known = this.results.get(key);
    if (known !== undefined) return known;
    const value = compute();
    if (this.results.size >= this.max) this.results.clear();
    this.results.set(key, value);
    return value;
  }
}
