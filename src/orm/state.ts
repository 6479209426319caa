/**
 * Per-instance ORM state. Every mapped object carries one {@link InstanceState}
 * under a symbol: its current attribute values, the values they had when last
 * loaded or flushed (only for attributes changed since), its identity key and
 * the session that owns it. Attribute accessors read and write through it, so
 * a change is recorded when it happens and a flush never diffs every object.
 *
 * @module
 */
import type { Mapper } from "./mapper.js";


/** Marks a value that was never loaded (distinct from `undefined`, which a user may assign). @internal */
export const NO_VALUE: unique symbol = Symbol("athanor.noValue");

/** An identity key: the mapper's base class and the primary key values, in key-column order. */
export type IdentityKey = readonly [Mapper, readonly unknown[]];

/** The lifecycle of a mapped instance, as SQLAlchemy names it. */
export type InstanceStatus = "transient" | "pending" | "persistent" | "deleted" | "detached";

/** What a state needs from the session that owns it. @internal */
export interface StateOwner {
  /** Told when a persistent object's attribute changes, so a flush visits only changed objects. */
  _markDirty(state: InstanceState): void;
  /** The object with this identity in the owner's identity map, if it is loaded. */
  _lookup(mapper: Mapper, keyValues: readonly unknown[]): object | undefined;
}

/** The state of one mapped instance. @internal */
export class InstanceState {
  /** Current values by attribute key; an absent key was never loaded or set. */
  dict: Record<string, unknown>;
  /** Values as last loaded or flushed, for attributes changed since (the first change records it). */
  committed: Map<string, unknown> | undefined;
  /** Attributes whose loaded values were expired: reading them needs a refresh. */
  expired: Set<string> | undefined;
  #key: IdentityKey | undefined = undefined;
  /** @internal A one-column identity set by a load, made into {@link key} only when read (two arrays fewer per loaded row). */
  _keyMapper: Mapper | undefined = undefined;
  /** @internal */
  _keyToken: unknown = undefined;

  /** The identity key, once the row exists in the database. */
  get key(): IdentityKey | undefined {
    if (this.#key === undefined && this._keyMapper !== undefined) this.#key = [this._keyMapper, [this._keyToken]];
    return this.#key;
  }

  set key(value: IdentityKey | undefined) {
    this.#key = value;
    this._keyMapper = undefined;
    this._keyToken = undefined;
  }

  /** @internal Sets a one-column identity without allocating its key until it is read. */
  _setKey(mapper: Mapper, token: unknown): void {
    this.#key = undefined;
    this._keyMapper = mapper;
    this._keyToken = token;
  }

  /** Whether the object has a row (an identity key), without making the key. */
  get hasKey(): boolean {
    return this.#key !== undefined || this._keyMapper !== undefined;
  }
  /** The session holding the object. */
  session: StateOwner | undefined;
  /** Set by `session.delete()` until the flush that deletes the row, then by the flush. */
  deleted = false;
  /** The row was deleted by a flush. */
  removed = false;
  /** Attributes whose values the database made at INSERT (keys, server defaults): forgotten if that INSERT is rolled back. */
  generated: readonly string[] | undefined;
  /** @internal The mark of the session's pending set holding this state, and its slot there (see PendingSet). */
  _pendingIn: object | undefined = undefined;
  /** @internal */
  _pendingSlot = 0;

  constructor(
    readonly mapper: Mapper,
    readonly obj: object,
    dict: Record<string, unknown> = {},
  ) {
    this.dict = dict;
  }

  /** Whether any attribute changed since it was loaded or flushed. */
  get modified(): boolean {
    return this.committed !== undefined && this.committed.size > 0;
  }

  /** transient (no session, no row), pending (added, not flushed), persistent, deleted (row deleted by a flush, not committed), or detached (has a row, no session). */
  get status(): InstanceStatus {
    if (!this.hasKey) return this.session === undefined ? "transient" : "pending";
    if (this.removed) return this.session === undefined ? "detached" : "deleted";
    // Marked with session.delete() but not flushed yet: still persistent, as in SQLAlchemy.
    return this.session === undefined ? "detached" : "persistent";
  }

  /** Records a new value for `key`, keeping the first original value for the flush. */
  set(key: string, value: unknown): void {
    const dict = this.dict;
    const previous = key in dict ? dict[key] : NO_VALUE;
    if (previous === value && previous !== NO_VALUE) return;
    this.expired?.delete(key);
    if (this.hasKey) {
      const committed = (this.committed ??= new Map());
      if (!committed.has(key)) committed.set(key, previous);
      else if (committed.get(key) === value) committed.delete(key); // set back to the loaded value
      this.session?._markDirty(this);
    }
    dict[key] = value;
  }

  /** Forgets `key`'s value (and any change recorded for it): reading it raises until it is loaded again. */
  expire(key: string): void {
    delete this.dict[key];
    this.committed?.delete(key);
    (this.expired ??= new Set()).add(key);
  }

  /** Forgets the recorded changes: the current values become the committed ones (after a flush or a load). */
  commitAll(): void {
    this.committed = undefined;
  }
}

/** The identity map's key for primary key values: the value itself for a one-column key. @internal */
export function identityToken(values: readonly unknown[]): unknown {
  if (values.length === 1) return values[0];
  return values.map((v) => `${typeof v}:${String(v)}`).join("\u0001");
}

/** The objects a relationship attribute holds: a collection's members, or the one related object. @internal */
export function relatedObjects(value: unknown): readonly object[] {
  if (Array.isArray(value)) return value as readonly object[];
  return value !== null && typeof value === "object" ? [value] : [];
}

/** A key or identity for a message (bigint values shown as digits). @internal */
export function describeKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v));
}

/** A base class whose constructor returns the object it is given, so that a subclass can add a private field to any object. */
class Adopter {
  constructor(target: object) {
    return target;
  }
}

/**
 * Where a mapped instance keeps its state: a private field stamped onto the
 * object. Invisible to keys, spreads, JSON and deep equality (a symbol
 * property would need `Object.defineProperty` to be non-enumerable), and
 * measured about seven times faster to add than such a property, which every
 * loaded row pays.
 */
class StateSlot extends Adopter {
  #state: InstanceState;

  constructor(target: object, state: InstanceState) {
    super(target);
    this.#state = state;
  }

  static get(obj: object): InstanceState | undefined {
    return #state in obj ? obj.#state : undefined;
  }
}

/** The state of a mapped instance, or `undefined` when it has none yet. @internal */
export function stateOf(obj: object): InstanceState | undefined {
  return StateSlot.get(obj);
}

/** Attaches a new state to `obj` (a private field: it never shows in JSON, spreads or equality). @internal */
export function attachState(obj: object, mapper: Mapper, dict?: Record<string, unknown>): InstanceState {
  const state = new InstanceState(mapper, obj, dict);
  new StateSlot(obj, state);
  return state;
}
