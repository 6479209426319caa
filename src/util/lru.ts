/** A map that keeps at most `capacity` entries, dropping the least recently used. */
export class LRUCache<K, V> {
  readonly #map = new Map<K, V>();
  /** The most recently used key: already last in order, so a repeated get need not move it. */
  #last: K | undefined = undefined;

  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined && key !== this.#last) {
      this.#map.delete(key);
      this.#map.set(key, value);
      this.#last = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#last = key;
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as K);
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    this.#map.clear();
    this.#last = undefined;
  }
}
