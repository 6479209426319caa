/**
 * A least-recently-used map of prepared statements by SQL text, one per
 * connection. A Map keeps insertion order, so re-inserting on every hit makes
 * its first key the least recently used.
 */
export class StatementCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(sql: string): V | undefined {
    const entry = this.#entries.get(sql);
    if (entry !== undefined) {
      this.#entries.delete(sql);
      this.#entries.set(sql, entry);
    }
    return entry;
  }

  set(sql: string, value: V): void {
    if (this.capacity <= 0) return;
    this.#entries.delete(sql);
    this.#entries.set(sql, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
