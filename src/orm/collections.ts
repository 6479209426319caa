/**
 * Relationship values that stay consistent in memory: collections are
 * arrays whose mutations are recorded (the flush then knows which children
 * were added or removed), and `backPopulates` keeps the other side in step
 * at once: `post.author = ada` puts `post` in `ada.posts`, and
 * `ada.posts.push(post)` sets `post.author`, before any flush.
 *
 * @module
 */
import type { RelationshipProperty } from "./relationship.js";
import { attachState, stateOf, type InstanceState } from "./state.js";


interface Owner {
  readonly state: InstanceState;
  readonly rel: RelationshipProperty;
}

function stateFor(obj: object, rel: RelationshipProperty): InstanceState {
  return stateOf(obj) ?? attachState(obj, rel.mapper);
}

/** Records the collection's membership before its first change since load or flush (what the flush compares against). */
function recordBefore(owner: Owner, list: readonly object[]): void {
  const { state, rel } = owner;
  if (state.key === undefined) return;
  const committed = (state.committed ??= new Map());
  if (!committed.has(rel.key)) committed.set(rel.key, [...list]);
  state.session?._markDirty(state);
}

/** Whether the other side's value for `key` is known (loaded, or the object is new), so it can be updated. */
function knows(state: InstanceState, key: string): boolean {
  return key in state.dict || state.key === undefined;
}

/**
 * Sets `child`'s side of `rel` after `child` joined (`added`) or left a
 * collection or scalar of `parent`. Each update checks whether it is already
 * done, so the echo of an echo stops at once (and a third object, the
 * child's previous parent, is updated too).
 */
function echo(rel: RelationshipProperty, parent: object, child: object, added: boolean): void {
  const reverse = rel.reverse;
  if (reverse === undefined) return;
  const childState = stateFor(child, rel);
  if (!knows(childState, reverse.key)) return;
  const child_ = child as Record<string, unknown>;
  if (reverse.uselist) {
    const list = child_[reverse.key] as object[];
    const at = list.indexOf(parent);
    if (added && at < 0) list.push(parent);
    else if (!added && at >= 0) list.splice(at, 1);
  } else if (added) {
    if (child_[reverse.key] !== parent) child_[reverse.key] = parent;
  } else if (child_[reverse.key] === parent) child_[reverse.key] = null;
}

/**
 * An array holding a relationship collection. Use it like any array;
 * `push`, `unshift`, `splice`, `pop`, `shift` and `remove` are recorded.
 * (Index assignment `list[i] = x` is not seen: use `splice`.)
 */
export class InstrumentedList<T extends object> extends Array<T> {
  /** The object and relationship holding this list (a private field: invisible to spreads and equality, cheap to set). */
  #owner: Owner | undefined = undefined;

  /** @internal */
  static _setOwner(list: InstrumentedList<object>, owner: Owner): void {
    list.#owner = owner;
  }

  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  #changed(added: readonly T[], removed: readonly T[]): void {
    const owner = this.#owner;
    if (owner === undefined) return;
    for (const child of removed) echo(owner.rel, owner.state.obj, child, false);
    for (const child of added) echo(owner.rel, owner.state.obj, child, true);
  }

  #before(): void {
    const owner = this.#owner;
    if (owner !== undefined) recordBefore(owner, this);
  }

  override push(...items: T[]): number {
    this.#before();
    const length = super.push(...items);
    this.#changed(items, []);
    return length;
  }

  override unshift(...items: T[]): number {
    this.#before();
    const length = super.unshift(...items);
    this.#changed(items, []);
    return length;
  }

  override pop(): T | undefined {
    if (this.length === 0) return undefined;
    this.#before();
    const item = super.pop() as T;
    this.#changed([], [item]);
    return item;
  }

  override shift(): T | undefined {
    if (this.length === 0) return undefined;
    this.#before();
    const item = super.shift() as T;
    this.#changed([], [item]);
    return item;
  }

  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    this.#before();
    const removed = deleteCount === undefined ? super.splice(start) : super.splice(start, deleteCount, ...items);
    this.#changed(items, removed);
    return removed;
  }

  /** Removes `item` if present; returns whether it was. */
  remove(item: T): boolean {
    const at = this.indexOf(item);
    if (at < 0) return false;
    this.splice(at, 1);
    return true;
  }
}

/** A collection value for `state`'s `rel`: the items in an InstrumentedList owned by it. @internal */
export function adoptCollection(state: InstanceState, rel: RelationshipProperty, items: readonly object[]): InstrumentedList<object> {
  const list = new InstrumentedList<object>();
  if (items.length > 0) Array.prototype.push.apply(list, items as object[]);
  InstrumentedList._setOwner(list, { state, rel });
  return list;
}

/** Sets a relationship attribute from user code: records the change and updates the other side. @internal */
export function setRelationship(state: InstanceState, rel: RelationshipProperty, value: unknown): void {
  const key = rel.key;
  const known = key in state.dict;
  const previous = known ? state.dict[key] : undefined;
  if (rel.uselist) {
    if (!Array.isArray(value)) throw new TypeError(`${rel.describe()} is a collection: assign an array.`);
    const list = adoptCollection(state, rel, value as object[]);
    const before = Array.isArray(previous) ? [...(previous as object[])] : [];
    state.set(key, list);
    if (state.key !== undefined && known) state.committed?.set(key, state.committed.get(key) === previous ? before : state.committed.get(key));
    const now = new Set(value as object[]);
    const old = new Set(before);
    for (const child of before) if (!now.has(child)) echo(rel, state.obj, child, false);
    for (const child of value as object[]) if (!old.has(child)) echo(rel, state.obj, child, true);
    return;
  }
  if (value !== null && (typeof value !== "object" || Array.isArray(value))) throw new TypeError(`${rel.describe()} holds one object or null.`);
  if (previous === value && known) return;
  state.set(key, value);
  if (previous !== null && previous !== undefined && typeof previous === "object") echo(rel, state.obj, previous, false);
  if (value !== null) echo(rel, state.obj, value, true);
}

/**
 * The type to declare a collection attribute with when you want `remove()`
 * typed: `declare posts: Collection<Post>` (a plain `Post[]` works too; the
 * value is the same array either way).
 */
export type Collection<T extends object> = InstrumentedList<T>;
