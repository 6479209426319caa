interface Entry<V> {
  value: V;
  /** The use counter's value at the entry's last read or write. */
  used: number;
}

/**
 * A map that keeps at most `capacity` entries, dropping the least recently
 * used. A read only stamps its entry with a counter: reordering a Map on every
 * hit (delete, then set) cost more than the lookup, and statements alternate
 * (BEGIN, SELECT, ROLLBACK), so hits rarely repeat the last key. Eviction scans
 * for the oldest stamp, once per insertion past capacity, where the caller is
 * about to pay for a compilation or a prepare anyway.
 */
export class LRUCache<K, V> {
  readonly #map = new Map<K, Entry<V>>();
  #clock = 0;

  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    entry.used = ++this.#clock;
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    const entry = this.#map.get(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.used = ++this.#clock;
      return;
    }
    if (this.#map.size >= this.capacity) this.#evictOldest();
    this.#map.set(key, { value, used: ++this.#clock });
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    this.#map.clear();
  }

  #evictOldest(): void {
    let oldestKey: K | undefined;
    let oldest = Infinity;
    for (const [key, entry] of this.#map) {
      if (entry.used < oldest) {
        oldest = entry.used;
        oldestKey = key;
      }
    }
    if (oldest !== Infinity) this.#map.delete(oldestKey as K);
  }
}
