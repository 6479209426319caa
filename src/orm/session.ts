/**
 * The Session: a workspace of mapped objects and one transaction at a time.
 * It keeps an identity map (one object per row), tracks new, changed and
 * deleted objects, and flushes them in dependency order before queries and at
 * commit. Its semantics follow SQLAlchemy's Session (2.0 style), made async.
 *
 * @module
 */
import { Connection, Engine, ScalarResult, type Result, inspect as coreInspect, type Inspector, type InspectorOptions, type Params } from "../engine/index.js";
import { ArgumentError, InvalidRequestError, MultipleResultsFound, NoResultFound, PendingRollbackError } from "../errors/index.js";
import { BindParameter, Delete, Update, and, bindparam, select as coreSelect, type Executable, type RowOf, type ScalarOf, type Select } from "../sql/index.js";
import type { AnySchemaColumn as AnyColumn, AnyTable } from "../schema/index.js";
import { describeInstance, instanceState } from "./attributes.js";
import { requireMapper, type ColumnSet, type MappedClass, type Mapper } from "./mapper.js";
import { adoptCollection } from "./collections.js";
import { LoadTree, hasSelectinSubclass, loadSubclassColumns, noLoad, selectinLoad, type LoadContext, type RelationshipKey } from "./loading.js";
import { OrmSelect, select as ormSelect, type ItemPlan } from "./query.js";
import type { Cascade, RelationshipProperty } from "./relationship.js";
import { describeKey, identityToken, relatedObjects, stateOf, type InstanceState, type InstanceStatus } from "./state.js";
import { IdentityMap, PendingSet } from "./identity-map.js";
import { FlushJournal, executeFlush, type LinkChange } from "./unit-of-work.js";

/** The options of a Session. */
export interface SessionOptions {
  /**
   * Flush pending changes before each query, so the query sees them
   * (default `true`).
   */
  readonly autoflush?: boolean;
  /**
   * Expire every object at commit, so the next read must load fresh values
   * (default `false`). Athanor never loads on attribute access, so an expired
   * attribute raises until `await session.refresh(obj)`; with the default,
   * objects stay readable after commit (what a web handler returning them
   * needs), at the price of possibly stale values in a later transaction.
   */
  readonly expireOnCommit?: boolean;
  /** Begin a transaction on first use (default `true`); `false` requires `session.begin()`. */
  readonly autobegin?: boolean;
}

/** How `execute` of an ORM-level UPDATE or DELETE keeps the session's objects in step. */
export type SynchronizeSession = "fetch" | false;

/** Options of `session.execute`. */
export interface ExecuteOptions {
  /**
   * For UPDATE and DELETE statements on a mapped table: `"fetch"` (default)
   * finds the matched rows' keys (RETURNING, or a SELECT first where there is
   * none) and updates or removes those objects in the session; `false` leaves
   * the session as it is (objects may then hold stale values).
   */
  readonly synchronizeSession?: SynchronizeSession;
}

/** The rows of an ORM select: tuples of instances and column values. */
export class OrmResult<R extends readonly unknown[]> implements Iterable<R> {
  constructor(readonly rows: R[]) {}

  /** Every row. */
  all(): R[] {
    return this.rows;
  }

  /** The first row, or `null`. */
  first(): R | null {
    return this.rows[0] ?? null;
  }

  /** Exactly one row: raises {@link NoResultFound} or {@link MultipleResultsFound} otherwise. */
  one(): R {
    const row = this.oneOrNone();
    if (row === null) throw new NoResultFound();
    return row;
  }

  /** One row or `null`; raises {@link MultipleResultsFound} when there are more. */
  oneOrNone(): R | null {
    if (this.rows.length > 1) throw new MultipleResultsFound();
    return this.rows[0] ?? null;
  }

  /** The first element of each row (the instances of `select(User)`). */
  scalars(): ScalarResult<R[0]> {
    return new ScalarResult(this.rows.map((row) => row[0] as R[0]));
  }

  /** The first element of the first row, or `null`. */
  scalar(): R[0] | null {
    return this.rows.length === 0 ? null : ((this.rows[0] as R)[0] as R[0]);
  }

  /** Rows made unique by the identity of their objects (and values): needed after joined eager loading. */
  unique(): OrmResult<R> {
    if (this.rows.every((row) => row.length === 1)) {
      // One item per row (select(User) with a joined collection): the item itself is the key.
      const once = new Set<unknown>();
      return new OrmResult(
        this.rows.filter((row) => {
          if (once.has(row[0])) return false;
          once.add(row[0]);
          return true;
        }),
      );
    }
    const seen = new Set<string>();
    const ids = new Map<unknown, number>();
    const idOf = (value: unknown) => {
      if (typeof value !== "object" || value === null) return typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
      let id = ids.get(value);
      if (id === undefined) ids.set(value, (id = ids.size));
      return `#${id}`;
    };
    return new OrmResult(
      this.rows.filter((row) => {
        const key = row.map(idOf).join("\u0000");
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    );
  }

  [Symbol.iterator](): Iterator<R> {
    return this.rows[Symbol.iterator]();
  }
}

/**
 * The statement of `session.get(cls, key)` per mapper, built once with the key
 * as named parameters (`pk_0`, ...): the same statement object each time keeps
 * its cache key, so a lookup neither rebuilds the query nor re-keys it.
 */
const getStatements = new WeakMap<Mapper, { plain?: OrmSelect; populate?: OrmSelect }>();

function getStatement(mapper: Mapper, populateExisting: boolean): OrmSelect {
  let entry = getStatements.get(mapper);
  if (entry === undefined) getStatements.set(mapper, (entry = {}));
  const slot = populateExisting ? "populate" : "plain";
  let statement = entry[slot];
  if (statement === undefined) {
    const where = and(...mapper.primaryKey.map((col, i) => col.eq(bindparam(`pk_${i}`, col.type) as never)));
    statement = entry[slot] = ormSelect(mapper.class_).where(where).populateExisting(populateExisting) as OrmSelect;
  }
  return statement;
}

/** A primary key: a value, a tuple of values (composite keys, in key order), or an object by attribute name. */
export type PrimaryKeyIdentity = unknown;

/** A read-only view of an instance's ORM state: `inspect(obj)`. */
export interface InstanceInspection {
  readonly status: InstanceStatus;
  readonly transient: boolean;
  readonly pending: boolean;
  readonly persistent: boolean;
  readonly deleted: boolean;
  readonly detached: boolean;
  /** Changed attributes not yet flushed. */
  readonly modified: boolean;
  /** The primary key values of the row, once it exists. */
  readonly identity: readonly unknown[] | undefined;
  /** The session holding the object. */
  readonly session: Session | undefined;
  /** Attributes expired (or never loaded) that need `session.refresh`. */
  readonly unloaded: readonly string[];
  /** The mapper of the object's class. */
  readonly mapper: Mapper;
}

/** The ORM state of a mapped instance: transient, pending, persistent, deleted or detached. */
export function inspectInstance(obj: object): InstanceInspection {
  const mapper = requireMapper(obj);
  const state = stateOf(obj) ?? instanceState(obj, mapper);
  const status = state.status;
  return {
    status,
    transient: status === "transient",
    pending: status === "pending",
    persistent: status === "persistent",
    deleted: status === "deleted",
    detached: status === "detached",
    modified: state.key === undefined ? false : state.modified,
    identity: state.key?.[1],
    session: state.session instanceof Session ? state.session : undefined,
    unloaded: mapper.attributeKeys.filter((k) => !(k in state.dict)),
    mapper,
  };
}

interface StateSnapshot {
  readonly state: InstanceState;
  readonly dict: Record<string, unknown>;
  readonly committed: Map<string, unknown> | undefined;
  readonly expired: Set<string> | undefined;
  readonly key: InstanceState["key"];
  readonly session: InstanceState["session"];
  readonly deleted: boolean;
  readonly removed: boolean;
}

function snapshotState(state: InstanceState): StateSnapshot {
  return {
    state,
    dict: { ...state.dict },
    committed: state.committed === undefined ? undefined : new Map(state.committed),
    expired: state.expired === undefined ? undefined : new Set(state.expired),
    key: state.key,
    session: state.session,
    deleted: state.deleted,
    removed: state.removed,
  };
}

function restoreState(snapshot: StateSnapshot): void {
  const state = snapshot.state;
  state.dict = snapshot.dict;
  state.committed = snapshot.committed;
  state.expired = snapshot.expired;
  state.key = snapshot.key;
  state.session = snapshot.session;
  state.deleted = snapshot.deleted;
  state.removed = snapshot.removed;
}

interface SessionSnapshot {
  readonly states: StateSnapshot[];
  readonly identity: Map<Mapper, IdentityMap>;
  readonly pending: readonly InstanceState[];
  readonly dirty: Set<InstanceState>;
  readonly deleted: Set<InstanceState>;
  readonly insertedInTransaction: readonly InstanceState[];
  readonly removedInTransaction: Set<InstanceState>;
}

/** A transaction block of a Session (`session.begin()`, `session.beginNested()`): commit it, or it rolls back when disposed. */
export interface SessionTransaction {
  readonly isActive: boolean;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A unit of work over one engine. Not safe for concurrent use: give each
 * request or job its own (see `sessionmaker`).
 *
 * @example
 * ```ts
 * await using session = new Session(engine);
 * session.add(new User({ name: "ada" }));
 * await session.commit();
 * const ada = await session.scalars(select(User).filterBy({ name: "ada" }));
 * ```
 */
// Session is a StateOwner (states call back into it) by shape: `implements` would name the internal interface in dist's declarations.
export class Session implements AsyncDisposable {
  readonly bind: Engine;
  readonly autoflush: boolean;
  readonly expireOnCommit: boolean;
  readonly autobegin: boolean;
  #conn: Connection | undefined;
  #identity = new Map<Mapper, IdentityMap>();
  #pending = new PendingSet();
  #dirty = new Set<InstanceState>();
  #deleted = new Set<InstanceState>();
  /**
   * Rows inserted or deleted in the current transaction: a rollback makes them transient again, or persistent again.
   * The inserted ones are an array, in order: a flush of many objects adds each once, and cheaply.
   */
  #insertedInTransaction: InstanceState[] = [];
  #removedInTransaction = new Set<InstanceState>();
  #failure: unknown;
  #explicitBegin = false;
  #savepoints: SessionSnapshot[] = [];
  #busy = false;
  #flushing = false;
  /** During a flush: the states it may change, as they were before it (restored if it fails). */
  #touched: Map<InstanceState, StateSnapshot> | undefined;
  /** During a flush: what to do, newest first, if it fails (for the rare changes a snapshot does not cover). */
  #flushUndo: (() => void)[] | undefined;

  constructor(bind: Engine, options: SessionOptions = {}) {
    if (bind === null || typeof bind !== "object" || typeof (bind as { connect?: unknown }).connect !== "function") {
      throw new ArgumentError("new Session(bind): bind must be an Engine.");
    }
    this.bind = bind;
    this.autoflush = options.autoflush ?? true;
    this.expireOnCommit = options.expireOnCommit ?? false;
    this.autobegin = options.autobegin ?? true;
  }

  // ---- object bookkeeping ------------------------------------------------------------

  /** @internal The object with this key in the identity map, if loaded (how a many-to-one is read without a query). */
  _lookup(mapper: Mapper, keyValues: readonly unknown[]): object | undefined {
    const state = this.#identity.get(mapper.base)?.get(identityToken(keyValues));
    return state === undefined || state.removed || (state.expired !== undefined && state.expired.size > 0) ? undefined : state.obj;
  }

  /** @internal */
  _markDirty(state: InstanceState): void {
    if (state.key !== undefined && !state.removed) this.#dirty.add(state);
  }

  /** The identity map of a class hierarchy (subclasses share their base's, so a key names one object whatever its class). */
  #mapFor(mapper: Mapper): IdentityMap {
    const base = mapper.base;
    let map = this.#identity.get(base);
    if (map === undefined) this.#identity.set(base, (map = new IdentityMap()));
    return map;
  }

  #own(state: InstanceState): void {
    if (state.session !== undefined && state.session !== this) {
      throw new InvalidRequestError(`${describeInstance(state.obj, state.mapper)} is already attached to another Session; expunge it there, or merge() it here.`);
    }
    state.session = this;
  }

  /** Objects added and not flushed yet. */
  get new(): readonly object[] {
    return [...this.#pending].map((s) => s.obj);
  }

  /** Persistent objects with changes not flushed yet. */
  get dirty(): readonly object[] {
    return [...this.#dirty].filter((s) => s.modified).map((s) => s.obj);
  }

  /** Objects marked for deletion and not flushed yet. */
  get deleted(): readonly object[] {
    return [...this.#deleted].map((s) => s.obj);
  }

  /** Every object in the session: persistent ones in the identity map, and pending ones. */
  get objects(): readonly object[] {
    const out: object[] = [];
    for (const map of this.#identity.values()) for (const state of map.values()) out.push(state.obj);
    for (const state of this.#pending) out.push(state.obj);
    return out;
  }

  /** Whether the session holds `obj`. */
  contains(obj: object): boolean {
    return stateOf(obj)?.session === this;
  }

  /** Whether a transaction (and its connection) is open. */
  get inTransaction(): boolean {
    return this.#conn !== undefined;
  }

  /** Whether `obj` has attribute changes not yet flushed. */
  isModified(obj: object): boolean {
    const state = stateOf(obj);
    return state !== undefined && state.key !== undefined && state.modified;
  }

  /**
   * Adds an object: a new one becomes pending (INSERTed at the next flush),
   * a detached one persistent again. Related objects reachable through
   * relationships are added with it at flush (save-update cascade).
   */
  add(obj: object): void {
    this.#checkUsable();
    const mapper = requireMapper(obj);
    mapper.registry.configure();
    const state = instanceState(obj, mapper);
    this.#attach(state);
  }

  #attach(state: InstanceState): void {
    if (state.session === this) {
      if (state.deleted && !state.removed) {
        state.deleted = false; // add() after delete() undoes the delete, as in SQLAlchemy
        this.#deleted.delete(state);
      }
      return;
    }
    if (state.removed) throw new InvalidRequestError(`${describeInstance(state.obj, state.mapper)} was deleted; it cannot be added again (make a new object).`);
    this.#own(state);
    if (state.key === undefined) {
      this.#pending.add(state);
      return;
    }
    const map = this.#mapFor(state.mapper);
    const token = identityToken(state.key[1]);
    const existing = map.get(token);
    if (existing !== undefined && existing !== state) {
      state.session = undefined;
      throw new InvalidRequestError(
        `Another ${state.mapper.name} with key ${describeKey(state.key[1])} is already in this Session; use merge() to copy this one's values onto it.`,
      );
    }
    map.set(token, state);
    if (state.modified) this.#dirty.add(state);
  }

  /** Adds several objects. */
  addAll(objects: Iterable<object>): void {
    for (const obj of objects) this.add(obj);
  }

  /** Marks a persistent object for deletion at the next flush; a pending one is simply expunged. */
  delete(obj: object): void {
    this.#checkUsable();
    const state = stateOf(obj) ?? instanceState(obj, requireMapper(obj));
    if (state.session !== this) throw new InvalidRequestError(`${describeInstance(obj, state.mapper)} is not in this Session.`);
    if (state.key === undefined) {
      this.#expungeState(state);
      return;
    }
    state.deleted = true;
    this.#deleted.add(state);
  }

  /** Removes an object from the session without touching the database: it becomes detached (or transient if never flushed). */
  expunge(obj: object): void {
    const state = stateOf(obj);
    if (state === undefined || state.session !== this) throw new InvalidRequestError(`${describeInstance(obj, requireMapper(obj))} is not in this Session.`);
    for (const related of this.#cascaded(state, "expunge")) this.#expungeState(related);
  }

  /** `state` and the objects reachable from it through loaded relationships with `cascade`, in this session. */
  #cascaded(state: InstanceState, cascade: Cascade): InstanceState[] {
    const found = [state];
    const seen = new Set(found);
    for (let next = 0; next < found.length; next++) {
      const current = found[next] as InstanceState;
      for (const rel of current.mapper.relationships.values()) {
        if (!rel.cascades.has(cascade) || !(rel.key in current.dict)) continue;
        const value = current.dict[rel.key];
        for (const obj of relatedObjects(value)) {
          const other = stateOf(obj);
          if (other === undefined || other.session !== this || seen.has(other)) continue;
          seen.add(other);
          found.push(other);
        }
      }
    }
    return found;
  }

  #expungeState(state: InstanceState): void {
    if (this.#flushUndo !== undefined && this.#pending.has(state)) {
      // An orphan dropped by a flush: back to pending if the flush fails.
      this.#touch(state);
      this.#flushUndo.push(() => this.#pending.add(state));
    }
    this.#pending.delete(state);
    this.#dirty.delete(state);
    this.#deleted.delete(state);
    if (state.key !== undefined) {
      const map = this.#identity.get(state.mapper.base);
      const token = identityToken(state.key[1]);
      if (map?.get(token) === state) map.delete(token);
    }
    state.deleted = false;
    state.session = undefined;
  }

  /** Removes every object from the session. */
  expungeAll(): void {
    const detach = (state: InstanceState) => {
      state.deleted = false;
      state.session = undefined;
    };
    for (const map of this.#identity.values()) map.forEach(detach);
    this.#pending.forEach(detach);
    this.#deleted.forEach(detach);
    this.#identity = new Map();
    this.#pending = new PendingSet();
    this.#dirty = new Set();
    this.#deleted = new Set();
  }

  /** Expires attributes of a persistent object (default: all but the key): the next read needs `await session.refresh(obj)`. */
  expire(obj: object, attributes?: readonly string[]): void {
    const state = this.#persistentState(obj, "expire");
    const related = attributes === undefined ? this.#cascaded(state, "refresh-expire").slice(1) : [];
    this.#expireState(state, attributes);
    for (const other of related) if (other.key !== undefined) this.#expireState(other);
  }

  #expireState(state: InstanceState, attributes?: readonly string[]): void {
    const keys = attributes ?? state.mapper.attributeKeys.filter((k) => !state.mapper.primaryKeyAttributes.includes(k));
    for (const key of keys) {
      if (!state.mapper.columns.has(key) && !state.mapper.relationships.has(key)) {
        throw new ArgumentError(`${state.mapper.name} has no attribute "${key}".`);
      }
      state.expire(key);
    }
    if (!state.modified) this.#dirty.delete(state);
  }

  /** Expires every persistent object in the session. */
  expireAll(): void {
    for (const map of this.#identity.values()) for (const state of map.values()) this.#expireState(state);
  }

  #persistentState(obj: object, what: string): InstanceState {
    const state = stateOf(obj);
    const mapper = requireMapper(obj);
    if (state === undefined || state.session !== this || state.key === undefined) {
      throw new InvalidRequestError(`Cannot ${what} ${describeInstance(obj, mapper)}: it is not persistent in this Session.`);
    }
    return state;
  }

  // ---- transactions ------------------------------------------------------------------

  #checkUsable(): void {
    if (this.#failure !== undefined) {
      throw new PendingRollbackError(
        "This Session's transaction has been rolled back because of an error during flush; call await session.rollback() " +
          `before using it again. Original error: ${this.#failure instanceof Error ? this.#failure.message : String(this.#failure)}`,
        { cause: this.#failure },
      );
    }
  }

  async #connection(): Promise<Connection> {
    this.#checkUsable();
    if (this.#conn !== undefined) return this.#conn;
    if (!this.autobegin && !this.#explicitBegin) {
      throw new InvalidRequestError("This Session has autobegin disabled: call session.begin() before using the database.");
    }
    this.#conn = await this.bind.connect();
    return this.#conn;
  }

  /** Runs a public async operation, refusing concurrent use of one Session. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#busy) {
      throw new InvalidRequestError(
        "This Session is already running an operation: one Session must not be used by concurrent tasks. Await each call, or give each task its own Session.",
      );
    }
    this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Begins a transaction explicitly. With a function: runs it, commits, and
   * rolls back if it throws. Without: returns the transaction, which rolls
   * back when disposed unless committed (`await using tx = await session.begin()`).
   */
  async begin<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  async begin(): Promise<SessionTransaction>;
  async begin<T>(fn?: (session: Session) => Promise<T>): Promise<T | SessionTransaction> {
    if (this.#conn !== undefined || this.#explicitBegin) throw new InvalidRequestError("A transaction is already begun on this Session.");
    this.#explicitBegin = true;
    const handle = this.#transactionHandle(() => this.commit(), () => this.rollback());
    return fn === undefined ? handle : this.#runBlock(handle, fn, () => true);
  }

  /** Runs `fn` in a transaction block: commits when it resolves, rolls back (when `canRollback`) when it throws. */
  async #runBlock<T>(handle: SessionTransaction, fn: (session: Session) => Promise<T>, canRollback: () => boolean): Promise<T> {
    try {
      const value = await fn(this);
      await handle.commit();
      return value;
    } catch (error) {
      if (handle.isActive && canRollback()) await handle.rollback();
      throw error;
    }
  }

  #transactionHandle(commit: () => Promise<void>, rollback: () => Promise<void>): SessionTransaction {
    let active = true;
    return {
      get isActive() {
        return active;
      },
      async commit() {
        if (!active) throw new InvalidRequestError("This transaction is already ended.");
        await commit();
        active = false;
      },
      async rollback() {
        if (!active) return;
        active = false;
        await rollback();
      },
      async [Symbol.asyncDispose]() {
        if (active) {
          active = false;
          await rollback();
        }
      },
    };
  }

  /**
   * A SAVEPOINT. Pending changes are flushed first. Rolling it back undoes
   * the database changes made inside it and restores the in-memory state of
   * the objects touched inside (new objects added inside are expunged).
   */
  async beginNested<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  async beginNested(): Promise<SessionTransaction>;
  async beginNested<T>(fn?: (session: Session) => Promise<T>): Promise<T | SessionTransaction> {
    const nested = await this.#exclusive(async () => {
      await this.#flush();
      const conn = await this.#connection();
      const savepoint = await conn.beginNested();
      const snapshot = this.#snapshot();
      this.#savepoints.push(snapshot);
      return { savepoint, snapshot };
    });
    const release = () => {
      const index = this.#savepoints.lastIndexOf(nested.snapshot);
      if (index >= 0) this.#savepoints.splice(index);
    };
    const handle = this.#transactionHandle(
      () =>
        this.#exclusive(async () => {
          await this.#flush();
          await nested.savepoint.commit();
          release();
        }),
      () =>
        this.#exclusive(async () => {
          if (nested.savepoint.isActive) await nested.savepoint.rollback();
          this.#restore(nested.snapshot);
          release();
        }),
    );
    // A savepoint whose transaction is already gone (a failed flush rolled it back) has nothing to roll back.
    return fn === undefined ? handle : this.#runBlock(handle, fn, () => this.#conn !== undefined);
  }

  #snapshot(): SessionSnapshot {
    const states: StateSnapshot[] = [];
    for (const map of this.#identity.values()) for (const state of map.values()) states.push(snapshotState(state));
    for (const state of this.#pending) states.push(snapshotState(state));
    for (const state of this.#deleted) if (state.removed) states.push(snapshotState(state));
    return {
      states,
      identity: new Map([...this.#identity].map(([mapper, map]) => [mapper, map.clone()])),
      pending: [...this.#pending],
      dirty: new Set(this.#dirty),
      deleted: new Set(this.#deleted),
      insertedInTransaction: this.#insertedInTransaction.slice(),
      removedInTransaction: new Set(this.#removedInTransaction),
    };
  }

  /** Puts the session and every object it knew back as they were at `snapshot`; objects it did not know are expunged. */
  #restore(snapshot: SessionSnapshot): void {
    const known = new Set(snapshot.states.map((s) => s.state));
    const insertedBefore = new Set(snapshot.insertedInTransaction);
    const insertedSince = new Set(this.#insertedInTransaction.filter((state) => !insertedBefore.has(state)));
    for (const state of this.#allStates()) {
      if (known.has(state)) continue;
      if (insertedSince.has(state)) state.key = undefined;
      state.session = undefined;
      state.deleted = false;
      state.removed = false;
    }
    for (const s of snapshot.states) restoreState(s);
    this.#identity = snapshot.identity;
    this.#pending = PendingSet.from(snapshot.pending);
    this.#dirty = snapshot.dirty;
    this.#deleted = snapshot.deleted;
    this.#insertedInTransaction = snapshot.insertedInTransaction.slice();
    this.#removedInTransaction = snapshot.removedInTransaction;
  }

  #allStates(): Set<InstanceState> {
    const all = new Set<InstanceState>([...this.#pending, ...this.#dirty, ...this.#deleted, ...this.#insertedInTransaction]);
    for (const map of this.#identity.values()) for (const state of map.values()) all.add(state);
    return all;
  }

  /** Flushes, commits the transaction and releases its connection. Objects stay in the session (expired if `expireOnCommit`). */
  async commit(): Promise<void> {
    await this.#exclusive(async () => {
      this.#checkUsable();
      if (this.#conn === undefined && !this.#hasChanges()) {
        this.#explicitBegin = false;
        return;
      }
      await this.#flush();
      const conn = this.#conn;
      if (conn !== undefined) {
        await conn.commit();
        await this.#release();
      }
      for (const state of this.#removedInTransaction) state.session = undefined; // deleted → detached
      this.#insertedInTransaction = [];
      this.#removedInTransaction.clear();
      this.#savepoints = [];
      this.#explicitBegin = false;
      if (this.expireOnCommit) this.expireAll();
    });
  }

  /**
   * Rolls back the transaction and releases its connection. Objects added in
   * it are expunged (keeping their values, to be fixed and added again), rows
   * inserted in it make their objects transient, deleted ones are back, and
   * every persistent object is expired: its changes are discarded.
   */
  async rollback(): Promise<void> {
    await this.#exclusive(async () => {
      const conn = this.#conn;
      this.#conn = undefined;
      if (conn !== undefined) {
        try {
          if (!conn.closed) await conn.rollback();
        } finally {
          await conn.close();
        }
      }
      this.#resetAfterRollback();
    });
  }

  #resetAfterRollback(): void {
    for (const state of this.#insertedInTransaction) {
      const map = this.#identity.get(state.mapper.base);
      if (state.key !== undefined) map?.delete(identityToken(state.key[1]));
      forgetInsert(state);
      state.session = undefined;
    }
    for (const state of this.#pending) state.session = undefined;
    for (const state of this.#removedInTransaction) {
      state.removed = false;
      state.deleted = false;
      if (state.key !== undefined) this.#mapFor(state.mapper).set(identityToken(state.key[1]), state);
    }
    for (const state of this.#deleted) state.deleted = false;
    this.#pending = new PendingSet();
    this.#deleted = new Set();
    this.#dirty = new Set();
    this.#insertedInTransaction = [];
    this.#removedInTransaction = new Set();
    this.#savepoints = [];
    this.#failure = undefined;
    this.#explicitBegin = false;
    for (const map of this.#identity.values()) for (const state of map.values()) this.#expireState(state);
  }

  async #release(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    await conn?.close();
  }

  /**
   * Rolls back anything not committed, releases the connection and expunges
   * every object, as it is: objects stay readable (detached). Objects whose
   * rows were inserted by the rolled-back transaction become transient again.
   * The session can be used again.
   */
  async close(): Promise<void> {
    await this.#exclusive(async () => {
      const conn = this.#conn;
      this.#conn = undefined;
      if (conn !== undefined) {
        try {
          if (!conn.closed && conn.inTransaction()) await conn.rollback();
        } finally {
          await conn.close();
        }
      }
      for (const state of this.#insertedInTransaction) {
        forgetInsert(state);
        state.session = undefined;
      }
      for (const state of this.#removedInTransaction) {
        state.removed = false;
        state.deleted = false;
        state.session = undefined;
      }
      this.#insertedInTransaction = [];
      this.#removedInTransaction = new Set();
      this.#savepoints = [];
      this.#failure = undefined;
      this.#explicitBegin = false;
      this.expungeAll();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- flush -------------------------------------------------------------------------

  #hasChanges(): boolean {
    return this.#pending.size > 0 || this.#deleted.size > 0 || [...this.#dirty].some((s) => s.modified);
  }

  /** Writes pending changes to the database (inside the current transaction, begun if needed). */
  async flush(): Promise<void> {
    await this.#exclusive(() => this.#flush());
  }

  /** Adds transient objects reachable from pending and changed ones through relationships (save-update cascade). */
  #cascadeSaveUpdate(): void {
    // Breadth-first, in the order objects were added and appear in collections: rows get keys in that order.
    // Objects of classes without relationships reach nothing, so a flush of many such objects queues none of them.
    // An object is visited once: it is queued when attached, and attached objects are not attached again.
    const queue: InstanceState[] = [];
    for (const state of this.#pending) if (state.mapper.relationships.size > 0) queue.push(state);
    for (const state of this.#dirty) if (state.mapper.relationships.size > 0) queue.push(state);
    for (let next = 0; next < queue.length; next++) {
      const state = queue[next] as InstanceState;
      for (const rel of state.mapper.relationships.values()) {
        if (!(rel.key in state.dict) || rel.options.viewonly === true || !rel.cascades.has("save-update")) continue;
        const value = state.dict[rel.key];
        const related = relatedObjects(value);
        for (const obj of related) {
          const other = instanceState(obj, requireMapper(obj));
          if (other.session === undefined && !other.removed) {
            this.#attach(other);
            queue.push(other);
          }
        }
      }
    }
  }

  async #flush(): Promise<void> {
    this.#checkUsable();
    if (this.#flushing) return;
    this.#cascadeSaveUpdate();
    if (!this.#hasChanges()) return;
    const conn = await this.#connection();
    this.#flushing = true;
    // A failed flush puts every object back as it was. New objects are not copied for that (a flush of 10,000 of
    // them would copy 10,000 dicts): the journal undoes what the flush writes into them. A persistent object is
    // snapshotted when the flush first writes into it (the journal announces it): changing the price of 1,000
    // loaded books writes nothing back into them, so nothing is copied.
    const journal = new FlushJournal((state) => this.#touch(state));
    const sets = { dirty: new Set(this.#dirty), deleted: new Set(this.#deleted) };
    const touched = new Map<InstanceState, StateSnapshot>();
    const undo: (() => void)[] = [];
    this.#touched = touched;
    this.#flushUndo = undo;
    for (const state of this.#deleted) touched.set(state, snapshotState(state));
    let inserts: InstanceState[] = [];
    let updates: InstanceState[] = [];
    let deletes: InstanceState[] = [];
    try {
      const { links, children } = this.#collectionChanges();
      // Deleting parents (orphans included) may load their children, to delete them or unlink them.
      await this.#cascadeDeletes(conn);
      inserts = [...this.#pending];
      updates = [...new Set([...this.#dirty, ...children])].filter((s) => s.key !== undefined && !s.deleted && !s.removed);
      deletes = [...this.#deleted].filter((s) => !s.removed);
      for (const state of deletes) this.#touch(state);
      await executeFlush(conn, { inserts, updates, deletes, links }, { returning: conn.engine.dialect.capabilities.returning }, journal);
    } catch (error) {
      journal.undo();
      for (const snapshot of touched.values()) restoreState(snapshot);
      for (let i = undo.length - 1; i >= 0; i--) (undo[i] as () => void)();
      this.#dirty = sets.dirty;
      this.#deleted = sets.deleted;
      await this.#failFlush(conn, error);
      throw error;
    } finally {
      this.#flushing = false;
      this.#touched = undefined;
      this.#flushUndo = undefined;
    }
    for (const state of inserts) {
      const keyAttributes = state.mapper.primaryKeyAttributes;
      const values = keyAttributes.length === 1 ? undefined : keyAttributes.map((k) => state.dict[k]);
      const token = values === undefined ? state.dict[keyAttributes[0] as string] : identityToken(values);
      if (values === undefined ? token === undefined || token === null : values.includes(undefined) || values.includes(null)) {
        throw new InvalidRequestError(`The flush of ${describeInstance(state.obj, state.mapper)} produced no primary key; give it one, or make the key generated.`);
      }
      // As for a loaded row, a one-column key is kept as its value until the key is read.
      if (values === undefined) state._setKey(state.mapper, token);
      else state.key = [state.mapper, values];
      state.committed = undefined;
      this.#mapFor(state.mapper).set(token, state);
      this.#insertedInTransaction.push(state);
    }
    this.#pending.clear();
    for (const state of updates) state.commitAll();
    for (const state of inserts) state.commitAll();
    this.#dirty.clear();
    for (const state of deletes) {
      state.removed = true;
      this.#identity.get(state.mapper.base)?.delete(identityToken((state.key as InstanceState["key"] & object)[1]));
      this.#removedInTransaction.add(state);
    }
    this.#deleted.clear();
  }

  /**
   * For each object marked for deletion: its one-to-many children are loaded
   * if needed, then deleted too (cascade `delete`) or unlinked (their foreign
   * key set to NULL); with `passiveDeletes` the database's ON DELETE acts.
   */
  async #cascadeDeletes(conn: Connection): Promise<void> {
    const ctx: LoadContext = { runEntities: (stmt, p, t) => this.#runEntities(conn, stmt, p, t, false) };
    const queue = [...this.#deleted].filter((s) => !s.removed);
    const seen = new Set(queue);
    while (queue.length > 0) {
      const state = queue.pop() as InstanceState;
      for (const rel of state.mapper.relationships.values()) {
        if (rel.direction !== "one-to-many" || rel.options.viewonly === true) continue;
        if (rel.options.passiveDeletes === true) {
          // The database deletes (or unlinks) the rows; children already loaded are deleted here too, so that none outlives its row.
          if (!(rel.key in state.dict) || !rel.cascades.has("delete")) continue;
        } else if (!(rel.key in state.dict)) await selectinLoad(ctx, [state], rel, NO_TREE, false);
        const value = state.dict[rel.key];
        const children = relatedObjects(value).map((c) => stateOf(c) as InstanceState);
        for (const child of children) {
          if (rel.cascades.has("delete")) {
            if (child.key === undefined) this.#expungeState(child);
            else if (!seen.has(child)) {
              seen.add(child);
              this.#cascadeDelete(child);
              queue.push(child);
            }
          } else if (child.key !== undefined && !child.deleted) {
            this.#unlink(state, rel, child);
          }
        }
      }
    }
  }

  /** Keeps a state's pre-flush snapshot before the flush changes it. */
  #touch(state: InstanceState): void {
    if (this.#touched !== undefined && !this.#touched.has(state)) this.#touched.set(state, snapshotState(state));
  }

  /** Marks a persistent object deleted as part of a flush (a cascade or an orphan). */
  #cascadeDelete(state: InstanceState): void {
    this.#touch(state);
    state.deleted = true;
    this.#deleted.add(state);
  }

  /** Sets the foreign key of `child` to NULL if it still refers to `parent`. */
  #unlink(parent: InstanceState, rel: RelationshipProperty, child: InstanceState): void {
    this.#touch(child);
    const refersToParent = rel.pairs.every((p) => child.dict[child.mapper.attributeOf.get(p.remote) as string] === parent.dict[parent.mapper.attributeOf.get(p.local) as string]);
    if (!refersToParent) return;
    for (const pair of rel.pairs) child.set(child.mapper.attributeOf.get(pair.remote) as string, null);
    const reverse = rel.reverse;
    if (reverse !== undefined && !reverse.uselist && child.dict[reverse.key] === parent.obj) child.dict[reverse.key] = null;
    this.#dirty.add(child);
  }

  /**
   * What changed in loaded collections: children removed from a one-to-many
   * collection are unlinked (or deleted with `delete-orphan`), children added
   * to one get the parent's key at flush, and many-to-many changes become
   * rows to insert into or delete from the secondary table.
   */
  #collectionChanges(): { links: LinkChange[]; children: Set<InstanceState> } {
    const links = new Map<string, LinkChange>();
    const touched = new Set<InstanceState>();
    const ids = new Map<InstanceState, number>();
    const idOf = (state: InstanceState) => {
      let id = ids.get(state);
      if (id === undefined) ids.set(state, (id = ids.size));
      return id;
    };
    for (const state of [...this.#pending, ...this.#dirty]) {
      if (state.deleted) continue;
      for (const rel of state.mapper.relationships.values()) {
        if (rel.direction === "many-to-one" || rel.options.viewonly === true || !(rel.key in state.dict)) continue;
        // A one-to-one (a scalar one-to-many) is a collection of zero or one.
        let before: readonly object[];
        if (state.key === undefined) before = [];
        else if (state.committed?.has(rel.key) === true) {
          // Assigned over a value never loaded: only the new members are known (load it first to unlink the old ones).
          before = relatedObjects(state.committed.get(rel.key));
        } else continue;
        const current = relatedObjects(state.dict[rel.key]);
        const now = new Set(current);
        const old = new Set(before);
        const added = current.filter((c) => !old.has(c)).map((c) => instanceState(c, requireMapper(c)));
        const removed = before.filter((c) => !now.has(c)).map((c) => stateOf(c) as InstanceState);
        if (rel.direction === "one-to-many") {
          const reverse = rel.reverse !== undefined && !rel.reverse.uselist ? rel.reverse : undefined;
          for (const child of removed) {
            // Moved to another parent (its many-to-one now points there): neither an orphan nor unlinked.
            const now = reverse === undefined ? undefined : child.dict[reverse.key];
            if (now !== undefined && now !== null && now !== state.obj) continue;
            if (rel.cascades.has("delete-orphan")) {
              if (child.key === undefined) this.#expungeState(child);
              else if (!child.deleted) this.#cascadeDelete(child);
            } else if (child.key !== undefined) {
              this.#unlink(state, rel, child);
              touched.add(child);
            }
          }
          for (const child of added) if (child.key !== undefined) touched.add(child);
          continue;
        }
        // many-to-many: one link change per pair, whichever side recorded it.
        const reverse = rel.reverse;
        const flip = reverse !== undefined && reverse.describe() < rel.describe();
        for (const [children, add] of [
          [added, true],
          [removed, false],
        ] as const) {
          for (const child of children) {
            const change: LinkChange = flip ? { rel: reverse, parent: child, child: state, add } : { rel, parent: state, child, add };
            links.set(`${change.rel.describe()}|${idOf(change.parent)}|${idOf(change.child)}`, change);
          }
        }
      }
    }
    return { links: [...links.values()], children: touched };
  }

  /** A failed flush: inside a savepoint only the savepoint is rolled back; otherwise the transaction, and the session waits for rollback(). */
  async #failFlush(conn: Connection, error: unknown): Promise<void> {
    if (this.#savepoints.length > 0) return; // beginNested's block rolls its savepoint back and restores the objects
    this.#failure = error;
    try {
      if (!conn.closed && conn.inTransaction()) await conn.rollback();
    } catch {
      // the original error matters more; the connection is released at rollback()
    }
  }

  // ---- queries -----------------------------------------------------------------------

  /**
   * Runs a statement in the session's transaction (flushing first when
   * `autoflush`). An ORM select returns instances (one per identity);
   * any Core statement returns a Core result. UPDATE and DELETE statements on
   * a mapped table keep the session's objects in step (see
   * {@link ExecuteOptions.synchronizeSession}).
   */
  async execute<R extends readonly unknown[]>(statement: OrmSelect<R>, params?: Params): Promise<OrmResult<R>>;
  async execute<S extends Executable>(statement: S, params?: Params | readonly Params[], options?: ExecuteOptions): Promise<Result<RowOf<S>, ScalarOf<S>>>;
  async execute(statement: Executable | OrmSelect, params?: Params | readonly Params[], options: ExecuteOptions = {}): Promise<unknown> {
    return this.#exclusive(async () => {
      if (this.autoflush) await this.#flush();
      const conn = await this.#connection();
      if (statement instanceof OrmSelect) return this.#runSelect(conn, statement, params as Params | undefined);
      if ((statement instanceof Update || statement instanceof Delete) && options.synchronizeSession !== false) {
        return this.#runSynchronized(conn, statement, params as Params | undefined);
      }
      return conn.execute(statement, params);
    });
  }

  /** The first element of each row of an ORM select: `await session.scalars(select(User))` gives the users. */
  async scalars<R extends readonly unknown[]>(statement: OrmSelect<R>, params?: Params): Promise<ScalarResult<R[0]>> {
    return (await this.execute(statement, params)).scalars();
  }

  /** The first element of the first row, or `null`. */
  async scalar<R extends readonly unknown[]>(statement: OrmSelect<R>, params?: Params): Promise<R[0] | null> {
    return (await this.execute(statement, params)).scalar();
  }

  async #runSelect(conn: Connection, statement: OrmSelect, params: Params | undefined): Promise<OrmResult<readonly unknown[]>> {
    const trees = LoadTree.of(statement._load.loaders ?? []);
    const rows = await this.#runEntities(conn, statement.statement, statement._plan, trees, statement._load.populateExisting === true, params);
    return new OrmResult(rows);
  }

  /**
   * Runs an entity query with its loaders: joined ones go into the statement
   * as LEFT OUTER JOINs, then the others run as IN queries on the loaded
   * objects, level by level.
   */
  async #runEntities(
    conn: Connection,
    base: Select,
    plan: readonly ItemPlan[],
    trees: ReadonlyMap<Mapper, LoadTree>,
    populateExisting: boolean,
    params?: Params,
  ): Promise<unknown[][]> {
    const joined: JoinedPlan[] = [];
    let statement = base;
    // Alias names count from 1 in each statement: the same query gives the same SQL (and a statement-cache hit).
    const aliases = { next: 0 };
    plan.forEach((item, index) => {
      if (item.kind !== "entity") return;
      statement = planJoined(statement, joined, { slot: index, mapper: item.mapper, from: undefined, tree: trees.get(item.mapper) ?? NO_TREE, depth: 0 }, plan.length, aliases);
    });
    if (joined.some((j) => j.rel.uselist && !j.contains) && (statement.state.limit !== undefined || statement.state.offset !== undefined)) {
      throw new InvalidRequestError("joinedload of a collection cannot be combined with LIMIT or OFFSET (the limit would cut collections); use selectinload.");
    }
    const raw = (await conn.execute(statement, params))._takeRows();
    let rows = this.#loadRows(plan, raw, populateExisting);
    if (joined.length > 0) {
      this.#attachJoined(plan, joined, raw, rows, populateExisting);
      if (joined.some((j) => j.rel.uselist)) rows = new OrmResult(rows).unique().rows;
    }
    const ctx: LoadContext = { runEntities: (stmt, p, t) => this.#runEntities(conn, stmt, p, t, populateExisting) };
    for (let index = 0; index < plan.length; index++) {
      const item = plan[index] as ItemPlan;
      if (item.kind === "entity" && hasSelectinSubclass(item.mapper)) await loadSubclassColumns(ctx, distinctStates(rows.map((row) => row[index])), item.mapper);
    }
    for (let index = 0; index < plan.length; index++) {
      const item = plan[index] as ItemPlan;
      if (item.kind !== "entity" || !needsPostLoad(item.mapper, trees.get(item.mapper) ?? NO_TREE)) continue;
      const states = distinctStates(rows.map((row) => row[index]));
      await postLoad(ctx, states, item.mapper, trees.get(item.mapper) ?? NO_TREE, populateExisting, 0);
    }
    return rows;
  }

  /** Builds the joined-loaded objects of each row and sets them on their parents. */
  #attachJoined(plan: readonly ItemPlan[], joined: readonly JoinedPlan[], raw: readonly unknown[][], rows: readonly unknown[][], populateExisting: boolean): void {
    const collected = new Map<JoinedPlan, Map<InstanceState, Set<object>>>();
    for (const j of joined) collected.set(j, new Map());
    const slots: (object | null)[] = new Array<object | null>(plan.length + joined.length).fill(null);
    for (let r = 0; r < raw.length; r++) {
      const row = raw[r] as unknown[];
      const loaded = rows[r] as unknown[];
      for (let i = 0; i < plan.length; i++) slots[i] = (plan[i] as ItemPlan).kind === "entity" ? (loaded[i] as object | null) : null;
      for (const j of joined) {
        const parent = slots[j.parentSlot] ?? null;
        if (parent === null) {
          slots[j.slot] = null;
          continue;
        }
        const child = this.#loadEntity(j.mapper, j.columns, row, j.offset, populateExisting);
        slots[j.slot] = child;
        const parentState = stateOf(parent) as InstanceState;
        const byParent = collected.get(j) as Map<InstanceState, Set<object>>;
        let children = byParent.get(parentState);
        if (children === undefined) byParent.set(parentState, (children = new Set()));
        if (child !== null) children.add(child);
      }
    }
    for (const [j, byParent] of collected) {
      for (const [parentState, children] of byParent) {
        if (!populateExisting && j.rel.key in parentState.dict) continue;
        const members = [...children];
        parentState.dict[j.rel.key] = j.rel.uselist ? adoptCollection(parentState, j.rel, members) : (members[0] ?? null);
        parentState.committed?.delete(j.rel.key);
      }
    }
  }

  /**
   * Loads a relationship of a persistent object now, with one query, and
   * returns it: `const posts = await session.load(user, "posts")`. The
   * explicit counterpart of a lazy load.
   */
  async load<T extends object, K extends RelationshipKey<T>>(obj: T, key: K, options: { refresh?: boolean } = {}): Promise<T[K]> {
    const state = this.#persistentState(obj, "load a relationship of");
    const rel = state.mapper.relationships.get(key);
    if (rel === undefined) throw new ArgumentError(`${state.mapper.name} has no relationship "${key}".`);
    if (key in state.dict && options.refresh !== true) return state.dict[key] as T[K];
    await this.#exclusive(async () => {
      if (this.autoflush) await this.#flush();
      const conn = await this.#connection();
      const ctx: LoadContext = { runEntities: (stmt, p, t) => this.#runEntities(conn, stmt, p, t, false) };
      await selectinLoad(ctx, [state], rel, NO_TREE, options.refresh === true);
    });
    return state.dict[key] as T[K];
  }

  /** Turns raw rows into instances (one per identity) and values. @internal */
  #loadRows(plan: readonly ItemPlan[], rows: readonly unknown[][], populateExisting: boolean): unknown[][] {
    const out = new Array<unknown[]>(rows.length);
    const single = plan.length === 1 ? plan[0] : undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as unknown[];
      if (single !== undefined && single.kind === "entity") {
        out[i] = [this.#loadEntity(single.mapper, single.columns, row, single.offset, populateExisting)];
        continue;
      }
      const values = new Array<unknown>(plan.length);
      for (let j = 0; j < plan.length; j++) {
        const item = plan[j] as ItemPlan;
        values[j] = item.kind === "entity" ? this.#loadEntity(item.mapper, item.columns, row, item.offset, populateExisting) : row[item.offset];
      }
      out[i] = values;
    }
    return out;
  }

  #loadEntity(mapper: Mapper, columns: ColumnSet, row: readonly unknown[], offset: number, populateExisting: boolean): object | null {
    const pkIndexes = columns.primaryKeyIndexes;
    let token: unknown;
    let keyValues: unknown[] | undefined;
    if (pkIndexes.length === 1) {
      token = row[offset + (pkIndexes[0] as number)];
      if (token === null || token === undefined) return null; // the empty side of an outer join
    } else {
      keyValues = pkIndexes.map((i) => row[offset + i]);
      if (keyValues.every((v) => v === null || v === undefined)) return null;
      token = identityToken(keyValues);
    }
    const map = this.#mapFor(mapper);
    const existing = map.get(token);
    const keys = columns.keys;
    if (existing !== undefined) {
      const expired = existing.expired;
      if (populateExisting) {
        for (let j = 0; j < keys.length; j++) existing.dict[keys[j] as string] = row[offset + j];
        existing.committed = undefined;
        existing.expired = undefined;
        this.#dirty.delete(existing);
      } else if (keys.length > 0) {
        // Attributes the object lacks (expired, deferred or never loaded) are filled in; loaded ones are kept.
        const dict = existing.dict;
        for (let j = 0; j < keys.length; j++) {
          const key = keys[j] as string;
          if (!(key in dict)) {
            dict[key] = row[offset + j];
            expired?.delete(key);
          }
        }
      }
      return existing.obj;
    }
    const concrete = columns.discriminatorIndex < 0 ? mapper : (mapper.polymorphicMap.get(row[offset + columns.discriminatorIndex]) ?? mapper);
    const state = concrete._newInstance(columns.fromRow(row, offset));
    if (keyValues === undefined) state._setKey(mapper, token);
    else state.key = [mapper, keyValues];
    state.session = this;
    map.set(token, state);
    return state.obj;
  }

  /** Runs an UPDATE or DELETE and updates or removes the matched objects of the session. */
  async #runSynchronized(conn: Connection, statement: Update | Delete, params: Params | undefined): Promise<Result> {
    const table = statement.state.table as AnyTable;
    const mappers = this.#mappersOf(table);
    if (mappers.length === 0) return conn.execute(statement, params);
    const pk = table.primaryKey.columns as AnyColumn[];
    let keys: unknown[][];
    let result: Result;
    if (conn.engine.dialect.capabilities.returning && statement.state.returning.length === 0) {
      result = await conn.execute((statement as Update).returning(...(pk as [AnyColumn])) as never, params);
      keys = result._takeRows();
    } else {
      const where = statement.state.where.length === 0 ? undefined : and(...statement.state.where);
      const find = coreSelect(...(pk as [AnyColumn]));
      keys = (await conn.execute(where === undefined ? find : find.where(where), params))._takeRows();
      result = await conn.execute(statement, params);
    }
    const assigned = statement instanceof Update ? literalAssignments(statement) : undefined;
    for (const mapper of mappers) {
      const map = this.#identity.get(mapper.base);
      if (map === undefined) continue;
      for (const key of keys) {
        const state = map.get(identityToken(key));
        if (state === undefined) continue;
        if (assigned === undefined) {
          state.removed = true;
          map.delete(identityToken(key));
          this.#removedInTransaction.add(state);
          this.#dirty.delete(state);
          continue;
        }
        for (const [columnName, value] of assigned.values) {
          const attr = [...mapper.columns].find(([, col]) => col.name === columnName)?.[0];
          if (attr === undefined) continue;
          state.dict[attr] = value;
          state.committed?.delete(attr);
        }
        // Columns set to SQL expressions, and those the database or Core sets on UPDATE, are expired: their values are unknown here.
        const setNames = new Set(assigned.values.map(([name]) => name));
        const expire = [...mapper.columns]
          .filter(([, c]) => assigned.expire.includes(c.name) || (!setNames.has(c.name) && setsOnUpdate(c)))
          .map(([key]) => key);
        if (expire.length > 0) this.#expireState(state, expire);
      }
    }
    return result;
  }

  #mappersOf(table: AnyTable): Mapper[] {
    return [...this.#identity.keys()].filter((m) => m.table === table);
  }

  // ---- by key --------------------------------------------------------------------------

  #keyValues(mapper: Mapper, ident: PrimaryKeyIdentity): unknown[] {
    const count = mapper.primaryKey.length;
    let values: unknown[];
    if (Array.isArray(ident)) values = ident;
    else if (ident !== null && typeof ident === "object" && !(ident instanceof Date) && !(ident instanceof Uint8Array)) {
      values = mapper.primaryKeyAttributes.map((key) => (ident as Record<string, unknown>)[key]);
    } else values = [ident];
    if (values.length !== count || values.some((v) => v === undefined)) {
      throw new ArgumentError(
        `${mapper.name} has a primary key of ${count} column(s) (${mapper.primaryKeyAttributes.join(", ")}); get() was given ${describeKey(ident)}.`,
      );
    }
    return values;
  }

  /**
   * The object with primary key `ident` (a value, a tuple for composite
   * keys, or an object by attribute), from the identity map or the
   * database; `null` when there is no such row.
   */
  async get<T extends object>(cls: MappedClass<T>, ident: PrimaryKeyIdentity, options: { populateExisting?: boolean } = {}): Promise<T | null> {
    const mapper = requireMapper(cls);
    mapper.registry.configure();
    const values = this.#keyValues(mapper, ident);
    const state = this.#identity.get(mapper.base)?.get(identityToken(values));
    if (state !== undefined && options.populateExisting !== true && (state.expired === undefined || state.expired.size === 0)) {
      // Another class of the hierarchy holds this key: not a `cls`.
      return state.obj instanceof (mapper.class_ as unknown as new () => object) ? (state.obj as T) : null;
    }
    const params: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i++) params[`pk_${i}`] = values[i];
    const found = (await this.execute(getStatement(mapper, options.populateExisting === true), params)).scalar() as T | null;
    return found instanceof (mapper.class_ as unknown as new () => object) ? found : null;
  }

  /** Like {@link get}, but raises {@link NoResultFound} when there is no such row. */
  async getOne<T extends object>(cls: MappedClass<T>, ident: PrimaryKeyIdentity): Promise<T> {
    const found = await this.get(cls, ident);
    if (found === null) throw new NoResultFound(`No ${requireMapper(cls).name} with primary key ${describeKey(ident)}.`);
    return found;
  }

  /**
   * Reloads attributes of a persistent object from the database (default:
   * all column attributes), discarding their unflushed changes.
   */
  async refresh(obj: object, attributes?: readonly string[]): Promise<void> {
    const state = this.#persistentState(obj, "refresh");
    const mapper = state.mapper;
    const keys = attributes ?? mapper._columnKeys;
    for (const key of keys) if (!mapper.columns.has(key)) throw new ArgumentError(`refresh(): ${mapper.name} has no column attribute "${key}".`);
    await this.#exclusive(async () => {
      const conn = await this.#connection();
      const keyValues = (state.key as NonNullable<InstanceState["key"]>)[1];
      const where = and(...mapper.primaryKey.map((col, i) => col.eq(keyValues[i] as never)));
      const rows = (await conn.execute(mapper._select(keys.map((k) => mapper.columns.get(k) as AnyColumn)).where(where)))._takeRows();
      if (rows.length === 0) throw new InvalidRequestError(`Could not refresh ${describeInstance(obj, mapper)}: its row no longer exists.`);
      const row = rows[0] as unknown[];
      keys.forEach((key, i) => {
        state.dict[key] = row[i];
        state.committed?.delete(key);
        state.expired?.delete(key);
      });
      if (!state.modified) this.#dirty.delete(state);
    });
  }

  /**
   * Copies the state of `obj` (typically detached) onto the object with the
   * same key in this session, loading it if needed, and returns that object;
   * with no such row, a new pending object is returned. `obj` is unchanged.
   */
  async merge<T extends object>(obj: T): Promise<T> {
    return this.#merge(obj, new Map()) as Promise<T>;
  }

  /** merge() with the objects merged so far (relationships with the `merge` cascade are merged too, cycles once). */
  async #merge(obj: object, done: Map<object, object>): Promise<object> {
    const already = done.get(obj);
    if (already !== undefined) return already;
    const mapper = requireMapper(obj);
    mapper.registry.configure();
    const source = stateOf(obj) ?? instanceState(obj, mapper);
    const keyValues = source.key?.[1] ?? mapper.primaryKeyAttributes.map((k) => source.dict[k]);
    let target = keyValues.every((v) => v !== undefined && v !== null) ? await this.get(mapper.class_, keyValues) : null;
    if (target === null) {
      const made = mapper._newInstance();
      for (const key of mapper._columnKeys) if (key in source.dict) made.dict[key] = source.dict[key];
      this.add(made.obj);
      target = made.obj;
    } else if (target !== obj) {
      for (const key of mapper._columnKeys) if (key in source.dict) (target as Record<string, unknown>)[key] = source.dict[key];
    }
    done.set(obj, target);
    if (target === obj) return target;
    for (const rel of mapper.relationships.values()) {
      if (!rel.cascades.has("merge") || !(rel.key in source.dict)) continue;
      const value = source.dict[rel.key];
      let merged: unknown;
      if (Array.isArray(value)) {
        const items: object[] = [];
        for (const item of value as object[]) items.push(await this.#merge(item, done));
        merged = items;
      } else merged = value === null || value === undefined ? null : await this.#merge(value as object, done);
      (target as Record<string, unknown>)[rel.key] = merged;
    }
    return target;
  }
}

/** Whether an UPDATE that leaves the column out gets a value for it anyway (a SQL `onUpdate` or a server one). */
function setsOnUpdate(col: AnyColumn): boolean {
  const options = col.definition.options as { onUpdate?: unknown; serverOnUpdate?: unknown };
  return options.onUpdate !== undefined || options.serverOnUpdate !== undefined;
}

/** Literal SET values of an UPDATE (what the session can copy onto objects) and the columns set to SQL expressions (expired). */
function literalAssignments(statement: Update): { values: [string, unknown][]; expire: string[] } {
  const values: [string, unknown][] = [];
  const expire: string[] = [];
  for (const [columnKey, value] of statement.state.values) {
    if (value instanceof BindParameter && value.name === undefined) values.push([columnKey, value.value]);
    else expire.push(columnKey);
  }
  return { values, expire };
}

/** A Session factory with fixed options: `const Session = sessionmaker(engine); await using session = Session();`. */
export interface SessionFactory {
  (options?: SessionOptions): Session;
  /** The engine the sessions use. */
  readonly bind: Engine;
  /** Runs `fn` in a new session inside a transaction: commits on success, rolls back on error, and closes the session. */
  begin<T>(fn: (session: Session) => Promise<T>): Promise<T>;
}

/** Makes Sessions with shared options (SQLAlchemy's `sessionmaker`). */
export function sessionmaker(bind: Engine, options: SessionOptions = {}): SessionFactory {
  const factory = ((overrides: SessionOptions = {}) => new Session(bind, { ...options, ...overrides })) as SessionFactory;
  Object.defineProperty(factory, "bind", { value: bind });
  factory.begin = async <T>(fn: (session: Session) => Promise<T>): Promise<T> => {
    const session = factory();
    try {
      return await session.begin(fn);
    } finally {
      await session.close();
    }
  };
  return factory;
}

/**
 * SQLAlchemy's `inspect()`: for a mapped instance its ORM state
 * ({@link InstanceInspection}), for a mapped class its {@link Mapper}, for an
 * engine or connection the schema {@link Inspector}.
 */
export function inspect(target: Engine | Connection, options?: InspectorOptions): Inspector;
export function inspect(target: abstract new (...args: never) => object): Mapper;
export function inspect(target: object): InstanceInspection;
export function inspect(target: object, options?: InspectorOptions): Inspector | Mapper | InstanceInspection {
  if (target instanceof Engine || target instanceof Connection) return coreInspect(target, options);
  if (typeof target === "function") return requireMapper(target);
  return inspectInstance(target);
}

const NO_TREE = new LoadTree();

/** A row inserted by a rolled-back transaction does not exist: its object is transient again, without the values the database made. */
function forgetInsert(state: InstanceState): void {
  state.key = undefined;
  state.committed = undefined;
  for (const key of state.generated ?? []) delete state.dict[key];
  state.generated = undefined;
}

/** A relationship loaded by a LEFT OUTER JOIN in an entity query. */
interface JoinedPlan {
  readonly rel: RelationshipProperty;
  readonly mapper: Mapper;
  readonly columns: ColumnSet;
  /** Filled from the query's own join (containsEager). */
  readonly contains: boolean;
  /** The slot of the parent object in a row: the query's items first, then the joined plans in order. */
  readonly parentSlot: number;
  readonly slot: number;
  /** Where the target's columns start in the raw row. */
  readonly offset: number;
}

interface JoinParent {
  readonly slot: number;
  readonly mapper: Mapper;
  /** The alias the parent was joined under; `undefined` for an entity of the query itself (its own tables). */
  readonly from: AnyTable | undefined;
  readonly tree: LoadTree;
  readonly depth: number;
}

/** Joined loaders nest at most this deep when only `lazy: "joined"` defaults ask for them (self-referential ones once). */
const DEFAULT_JOIN_DEPTH = 3;

function aliasColumn(from: AnyTable | undefined, col: AnyColumn): AnyColumn {
  return (from === undefined || from === col.table ? col : (from.c as Record<string, AnyColumn>)[col.name]) as AnyColumn;
}

/** Adds the LEFT OUTER JOINs and columns of the joined loaders below `parent` to `statement`. */
function planJoined(statement: Select, joined: JoinedPlan[], parent: JoinParent, firstSlot: number, aliases: { next: number }): Select {
  for (const rel of parent.mapper.relationships.values()) {
    const given = parent.tree.children.get(rel.key)?.strategy;
    const strategy = parent.tree.strategyFor(rel);
    if (strategy !== "joined" && strategy !== "contains") continue;
    if (given === undefined && (parent.depth >= DEFAULT_JOIN_DEPTH || (rel.mapper === parent.mapper && parent.depth > 0))) continue;
    const target = rel.mapper;
    const contains = strategy === "contains";
    if (!contains && target.joined) {
      throw new InvalidRequestError(`joinedload(${rel.describe()}): ${target.name} spans several tables (joined-table inheritance); load it with selectinload.`);
    }
    // containsEager reads the rows of a join the query wrote; joinedload writes its own join under a new alias.
    const alias = contains
      ? ((parent.tree.children.get(rel.key)?.from as AnyTable | undefined) ?? (target.table as AnyTable))
      : ((target.table as AnyTable).alias(`${target.table.name}_${++aliases.next}`) as unknown as AnyTable);
    if (contains) {
      // no join to add
    } else if (rel.direction === "many-to-many") {
      const secondary = (rel.secondary as AnyTable).alias(`${(rel.secondary as AnyTable).name}_${++aliases.next}`) as unknown as AnyTable;
      statement = statement.outerjoin(secondary as never, and(...rel.pairs.map((p) => aliasColumn(parent.from, p.local).eq(aliasColumn(secondary, p.remote))))) as unknown as Select;
      statement = statement.outerjoin(alias as never, and(...rel.secondaryPairs.map((p) => aliasColumn(alias, p.local).eq(aliasColumn(secondary, p.remote))))) as unknown as Select;
    } else {
      statement = statement.outerjoin(alias as never, and(...rel.pairs.map((p) => aliasColumn(parent.from, p.local).eq(aliasColumn(alias, p.remote))))) as unknown as Select;
    }
    const offset = statement.state.items.length;
    const columns = target._columnSet();
    statement = statement.addColumns(...(columns.columns.map((col) => aliasColumn(alias, col)) as [AnyColumn])) as unknown as Select;
    const slot = firstSlot + joined.length;
    joined.push({ rel, mapper: target, columns, parentSlot: parent.slot, slot, offset, contains });
    statement = planJoined(statement, joined, { slot, mapper: target, from: alias, tree: parent.tree.subtree(rel.key), depth: parent.depth + 1 }, firstSlot, aliases);
  }
  return statement;
}

/** Whether any relationship of `mapper` is loaded after the rows (so the loaded objects must be gathered). */
function needsPostLoad(mapper: Mapper, tree: LoadTree): boolean {
  for (const rel of mapper.relationships.values()) {
    const strategy = tree.strategyFor(rel);
    if (strategy !== undefined && strategy !== "raise") return true;
  }
  return false;
}

function distinctStates(values: readonly unknown[]): InstanceState[] {
  const seen = new Set<InstanceState>();
  for (const value of values) {
    if (value === null || typeof value !== "object") continue;
    const state = stateOf(value);
    if (state !== undefined) seen.add(state);
  }
  return [...seen];
}

/** Runs the non-joined loaders for `states` of `mapper`, and recurses below joined and loaded relationships. */
async function postLoad(ctx: LoadContext, states: readonly InstanceState[], mapper: Mapper, tree: LoadTree, overwrite: boolean, depth: number): Promise<void> {
  if (states.length === 0) return;
  for (const rel of mapper.relationships.values()) {
    const strategy = tree.strategyFor(rel);
    const given = tree.children.has(rel.key);
    if (strategy === undefined || strategy === "raise") continue;
    if (!given && depth >= DEFAULT_JOIN_DEPTH) continue;
    if (strategy === "noload") {
      noLoad(states, rel);
    } else if (strategy === "joined" || strategy === "contains") {
      // Already loaded by the statement; load what is below the joined objects, if anything is.
      if (!needsPostLoad(rel.mapper, tree.subtree(rel.key))) continue;
      const children = distinctStates(states.flatMap((s) => relatedObjects(s.dict[rel.key])));
      await postLoad(ctx, children, rel.mapper, tree.subtree(rel.key), overwrite, depth + 1);
    } else {
      // selectin / subquery: the IN query applies the subtree to what it loads.
      await selectinLoad(ctx, states, rel, tree.subtree(rel.key), overwrite);
    }
  }
}
