/**
 * The identity map of one class hierarchy in a Session: identity token to
 * state, split over several small Maps by a cheap hash of the token.
 *
 * Why not one Map: past a few thousand entries a Map's hash table outgrows
 * V8's regular object size and every rehash allocates it in the large-object
 * space. Measured on the benchmark machine, 10,000 `set`s into one Map took
 * about 3 ms, and into 32 shards of a few hundred entries each about 0.3 ms;
 * loading or flushing 10,000 objects does exactly that.
 *
 * @module
 */
import type { InstanceState } from "./state.js";

const SHARDS = 32;
const MASK = SHARDS - 1;

/** The shard of a token: integers by their low bits, strings by length and last character, bigints by their low bits. */
function shardOf(token: unknown): number {
  switch (typeof token) {
    case "number":
      return (token | 0) & MASK;
    case "string":
      return token.length === 0 ? 0 : (token.charCodeAt(token.length - 1) + token.length) & MASK;
    case "bigint":
      return Number(BigInt.asUintN(5, token));
    default:
      return 0;
  }
}

/** @internal */
export class IdentityMap {
  readonly #shards: (Map<unknown, InstanceState> | undefined)[] = new Array<Map<unknown, InstanceState> | undefined>(SHARDS);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(token: unknown): InstanceState | undefined {
    return this.#shards[shardOf(token)]?.get(token);
  }

  set(token: unknown, state: InstanceState): void {
    const index = shardOf(token);
    let shard = this.#shards[index];
    if (shard === undefined) this.#shards[index] = shard = new Map();
    const before = shard.size;
    shard.set(token, state);
    this.#size += shard.size - before;
  }

  delete(token: unknown): boolean {
    const deleted = this.#shards[shardOf(token)]?.delete(token) === true;
    if (deleted) this.#size -= 1;
    return deleted;
  }

  *values(): IterableIterator<InstanceState> {
    for (const shard of this.#shards) if (shard !== undefined) yield* shard.values();
  }

  forEach(fn: (state: InstanceState) => void): void {
    for (const shard of this.#shards) if (shard !== undefined) for (const state of shard.values()) fn(state);
  }

  /** A copy (for a savepoint's snapshot). */
  clone(): IdentityMap {
    const copy = new IdentityMap();
    this.#shards.forEach((shard, i) => {
      if (shard !== undefined) copy.#shards[i] = new Map(shard);
    });
    copy.#size = this.#size;
    return copy;
  }
}

/**
 * The pending objects of a Session: an insertion-ordered set of states kept in
 * an array, membership marked on the state itself, for the same reason as
 * {@link IdentityMap} (a Set of 10,000 objects outgrows V8's regular heap
 * objects). A state is pending in one session at a time, so one mark is
 * enough. @internal
 */
export class PendingSet implements Iterable<InstanceState> {
  #items: (InstanceState | undefined)[] = [];
  /** Marks the states of this set; a new one after clear() unmarks them all at once. */
  #token: object = {};
  #size = 0;

  static from(states: Iterable<InstanceState>): PendingSet {
    const set = new PendingSet();
    for (const state of states) set.add(state);
    return set;
  }

  get size(): number {
    return this.#size;
  }

  has(state: InstanceState): boolean {
    return state._pendingIn === this.#token;
  }

  add(state: InstanceState): void {
    if (state._pendingIn === this.#token) return;
    state._pendingIn = this.#token;
    state._pendingSlot = this.#items.length;
    this.#items.push(state);
    this.#size += 1;
  }

  delete(state: InstanceState): boolean {
    if (state._pendingIn !== this.#token) return false;
    this.#items[state._pendingSlot] = undefined;
    state._pendingIn = undefined;
    this.#size -= 1;
    return true;
  }

  clear(): void {
    this.#items = [];
    this.#token = {};
    this.#size = 0;
  }

  forEach(fn: (state: InstanceState) => void): void {
    for (const state of this) fn(state);
  }

  *[Symbol.iterator](): IterableIterator<InstanceState> {
    if (this.#items.length > 2 * this.#size + 32) this.#compact();
    // By index, so that states added while iterating are visited too (as a Set does).
    const items = this.#items;
    for (let i = 0; i < items.length; i++) {
      const state = items[i];
      if (state !== undefined && state._pendingIn === this.#token) yield state;
    }
  }

  #compact(): void {
    const kept: InstanceState[] = [];
    for (const state of this.#items) {
      if (state === undefined) continue;
      state._pendingSlot = kept.length;
      kept.push(state);
    }
    this.#items = kept;
  }
}
