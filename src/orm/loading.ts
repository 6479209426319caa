/**
 * Loader strategies: how relationships are loaded by a query. Nothing is ever
 * loaded on attribute access; a query says what to load with options
 * (`selectinload(User, "posts")`), or a relationship's `lazy` default does.
 *
 * - `selectin`: after the parents, one `SELECT ... WHERE key IN (...)` per
 *   relationship (chunked for many parents): 100 parents and their children
 *   are 2 statements.
 * - `joined`: a LEFT OUTER JOIN in the parents' own statement (1 statement);
 *   the rows repeat each parent once per child, so the result is made unique
 *   by object identity.
 * - `subquery`: as `selectin` here (one IN query per level).
 * - `raise`: reading the attribute raises (the default when nothing loads it).
 * - `noload`: the attribute reads as empty (`[]` or `null`) without a query.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import type { AnySchemaColumn as AnyColumn } from "../schema/index.js";
import { and, or, type ColumnElement, type Select } from "../sql/index.js";
import { adoptCollection } from "./collections.js";
import type { RelatedOf } from "./declarative.js";
import { requireMapper, type ColumnSet, type MappedClass, type Mapper } from "./mapper.js";
import type { ItemPlan } from "./query.js";
import type { RelationshipProperty } from "./relationship.js";
import { identityToken, stateOf, type InstanceState } from "./state.js";

/** A loader strategy for one relationship of a query. */
export type LoaderStrategy = "selectin" | "joined" | "subquery" | "raise" | "noload" | "contains";

/**
 * The keys of `I` that may be relationships: attributes holding objects or
 * arrays of objects (any string for loosely typed classes such as automap's).
 */
export type RelationshipKey<I> = string extends keyof I ? string : RelationshipKeyOf<I>;

type RelationshipKeyOf<I> = {
  [K in keyof I & string]: NonNullable<I[K]> extends readonly object[]
    ? K
    : NonNullable<I[K]> extends Date | Uint8Array | ((...args: never[]) => unknown)
      ? never
      : NonNullable<I[K]> extends object
        ? K
        : never;
}[keyof I & string];

interface PathStep {
  readonly key: string;
  readonly strategy: LoaderStrategy;
  /** For containsEager: the FROM element the related rows come from (default: the target's table). */
  readonly from?: unknown;
}

/** The class a relationship attribute holds; loosely typed (`unknown`) attributes give loosely typed objects. */
type Related<V> = unknown extends V ? Record<string, unknown> : RelatedOf<V>;

/**
 * A loader option: a path of relationships from a mapped class, each with a
 * strategy. Chain to go deeper: `selectinload(User, "posts").joinedload("comments")`.
 */
export class LoaderOption<T = unknown> {
  /** Phantom: the class at the end of the path. */
  declare readonly _target: T;

  constructor(
    readonly root: MappedClass,
    readonly path: readonly PathStep[],
  ) {}

  #then<U>(key: string, strategy: LoaderStrategy): LoaderOption<U> {
    return new LoaderOption<U>(this.root, [...this.path, { key, strategy }]);
  }

  /** Then load `key` of the related objects with a separate IN query. */
  selectinload<K extends RelationshipKey<T>>(key: K): LoaderOption<Related<T[K]>> {
    return this.#then(key, "selectin");
  }
  /** Then load `key` of the related objects in the same statement (LEFT OUTER JOIN). */
  joinedload<K extends RelationshipKey<T>>(key: K): LoaderOption<Related<T[K]>> {
    return this.#then(key, "joined");
  }
  /** Then load `key` with one more query per level (as selectinload). */
  subqueryload<K extends RelationshipKey<T>>(key: K): LoaderOption<Related<T[K]>> {
    return this.#then(key, "subquery");
  }
  /** Then fill `key` from columns the query already joins (see {@link containsEager}). */
  containsEager<K extends RelationshipKey<T>>(key: K, options: { alias?: unknown } = {}): LoaderOption<Related<T[K]>> {
    return new LoaderOption(this.root, [...this.path, { key, strategy: "contains", from: options.alias }]);
  }
  /** Then make `key` raise when read. */
  raiseload<K extends RelationshipKey<T>>(key: K): LoaderOption<Related<T[K]>> {
    return this.#then(key, "raise");
  }
  /** Then make `key` read as empty without loading. */
  noload<K extends RelationshipKey<T>>(key: K): LoaderOption<Related<T[K]>> {
    return this.#then(key, "noload");
  }
}

function option<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(cls: C, key: K, strategy: LoaderStrategy): LoaderOption<Related<InstanceType<C>[K]>> {
  if (typeof cls !== "function") throw new ArgumentError(`${strategy}load() expects a mapped class first.`);
  return new LoaderOption(cls, [{ key, strategy }]);
}

/** Loads `cls`'s relationship `key` with one `SELECT ... WHERE ... IN (...)` after the parents (chunked). */
export function selectinload<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(cls: C, key: K): LoaderOption<Related<InstanceType<C>[K]>> {
  return option(cls, key, "selectin");
}
/** Loads `cls`'s relationship `key` in the parents' statement with a LEFT OUTER JOIN; rows are made unique by identity. */
export function joinedload<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(cls: C, key: K): LoaderOption<Related<InstanceType<C>[K]>> {
  return option(cls, key, "joined");
}
/** Loads `cls`'s relationship `key` with one more query (Athanor runs it as an IN query, like selectinload). */
export function subqueryload<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(cls: C, key: K): LoaderOption<Related<InstanceType<C>[K]>> {
  return option(cls, key, "subquery");
}
/**
 * Fills `cls`'s relationship `key` from a join the query writes itself:
 * `select(User).join(Post).where(Post.c.title.like("a%")).options(containsEager(User, "posts"))`
 * (the posts of each user are those the joined rows hold). With `alias`, from that alias of the target's table.
 */
export function containsEager<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(
  cls: C,
  key: K,
  options: { alias?: unknown } = {},
): LoaderOption<Related<InstanceType<C>[K]>> {
  if (typeof cls !== "function") throw new ArgumentError("containsEager() expects a mapped class first.");
  return new LoaderOption(cls, [{ key, strategy: "contains", from: options.alias }]);
}

/** Leaves `cls`'s relationship `key` unloaded: reading it raises an error naming the loaders. */
export function raiseload<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(cls: C, key: K): LoaderOption<Related<InstanceType<C>[K]>> {
  return option(cls, key, "raise");
}
/** Makes `cls`'s relationship `key` read as empty (`[]` or `null`) without a query. */
export function noload<C extends MappedClass, K extends RelationshipKey<InstanceType<C>>>(cls: C, key: K): LoaderOption<Related<InstanceType<C>[K]>> {
  return option(cls, key, "noload");
}

/** The loader options of a query, as a tree per mapper: strategy per relationship key, and the options below it. @internal */
export class LoadTree {
  readonly children = new Map<string, { strategy: LoaderStrategy; tree: LoadTree; from?: unknown }>();

  /** The strategy for `rel` here: the option's, else the relationship's `lazy` default. */
  strategyFor(rel: RelationshipProperty): LoaderStrategy | undefined {
    const given = this.children.get(rel.key)?.strategy;
    if (given !== undefined) return given;
    const lazy = rel.options.lazy;
    return lazy === undefined || lazy === "select" ? undefined : lazy;
  }

  subtree(key: string): LoadTree {
    return this.children.get(key)?.tree ?? EMPTY_TREE;
  }

  /** Builds the trees of a query's options, by the mapper of each option's root class. */
  static of(options: readonly LoaderOption[]): Map<Mapper, LoadTree> {
    const trees = new Map<Mapper, LoadTree>();
    for (const opt of options) {
      let mapper = requireMapper(opt.root);
      mapper.registry.configure();
      let tree: LoadTree = trees.get(mapper) ?? new LoadTree();
      trees.set(mapper, tree);
      for (const step of opt.path) {
        const rel = mapper.relationships.get(step.key);
        if (rel === undefined) throw new ArgumentError(`${mapper.name} has no relationship "${step.key}" to load.`);
        const child: { strategy: LoaderStrategy; tree: LoadTree; from?: unknown } = tree.children.get(step.key) ?? { strategy: step.strategy, tree: new LoadTree() };
        child.strategy = step.strategy;
        if (step.from !== undefined) child.from = step.from;
        tree.children.set(step.key, child);
        tree = child.tree;
        mapper = rel.mapper;
      }
    }
    return trees;
  }
}

const EMPTY_TREE = new LoadTree();

/** What a strategy needs from the session: run an entity query (with loaders below it) on the session's connection. @internal */
export interface LoadContext {
  runEntities(statement: Select, plan: readonly ItemPlan[], trees: ReadonlyMap<Mapper, LoadTree>): Promise<unknown[][]>;
}

const CHUNK = 500;

function valuesOf(state: InstanceState, mapper: Mapper, cols: readonly AnyColumn[]): unknown[] {
  return cols.map((col) => state.dict[mapper.attributeOf.get(col) as string]);
}

function inCondition(cols: readonly AnyColumn[], keys: readonly (readonly unknown[])[]): ColumnElement<boolean> {
  if (cols.length === 1) return (cols[0] as AnyColumn).in(keys.map((k) => k[0]) as never[]) as ColumnElement<boolean>;
  return or(...keys.map((k) => and(...cols.map((col, i) => col.eq(k[i] as never)))));
}

/** Sets a loaded relationship value, unless the attribute already holds one (it may have unflushed changes). */
function assign(state: InstanceState, rel: RelationshipProperty, value: object | null | readonly object[], overwrite: boolean): void {
  if (!overwrite && rel.key in state.dict) return;
  state.dict[rel.key] = Array.isArray(value) ? adoptCollection(state, rel, value) : value;
  state.committed?.delete(rel.key);
  // The children of a loaded one-to-many know their parent without a query.
  const reverse = rel.reverse;
  if (rel.direction === "one-to-many" && reverse !== undefined && !reverse.uselist && value !== null) {
    for (const child of Array.isArray(value) ? (value as object[]) : [value as object]) {
      const childState = stateOf(child);
      if (childState !== undefined && !(reverse.key in childState.dict)) childState.dict[reverse.key] = state.obj;
    }
  }
}

/** Loads `rel` for `parents` with IN queries; returns the related states (to load below them). @internal */
export async function selectinLoad(ctx: LoadContext, parents: readonly InstanceState[], rel: RelationshipProperty, tree: LoadTree, overwrite: boolean): Promise<InstanceState[]> {
  const target = rel.mapper;
  const todo = overwrite ? parents : parents.filter((p) => !(rel.key in p.dict));
  if (todo.length === 0) return [];
  const localCols = rel.pairs.map((p) => p.local);
  const byKey = new Map<unknown, { values: unknown[]; parents: InstanceState[] }>();
  for (const parent of todo) {
    const values = valuesOf(parent, parent.mapper, localCols);
    if (values.some((v) => v === null || v === undefined)) continue;
    const k = identityToken(values);
    const entry = byKey.get(k);
    if (entry === undefined) byKey.set(k, { values, parents: [parent] });
    else entry.parents.push(parent);
  }
  const found = new Map<unknown, object[]>();
  const related: InstanceState[] = [];
  const entries = [...byKey.values()];
  const targetSet = target._columnSet();
  const targetCols = targetSet.columns as AnyColumn[];
  const trees = new Map([[target, tree]]);
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK).map((e) => e.values);
    // The key columns ride along after the target's columns: the secondary table's for many-to-many,
    // else the target's own (selected again only if the mapping leaves them out).
    const keyCols = rel.pairs.map((p) => p.remote);
    const extra = keyCols.filter((c) => !targetCols.includes(c));
    let statement = target._select([...targetCols, ...extra]);
    if (rel.direction === "many-to-many") {
      statement = statement.join(rel.secondary as never, and(...rel.secondaryPairs.map((p) => p.local.eq(p.remote)))) as unknown as Select;
    }
    statement = statement.where(inCondition(keyCols, chunk));
    if (rel.orderBy.length > 0) statement = statement.orderBy(...rel.orderBy);
    const plan: ItemPlan[] = [
      { kind: "entity", mapper: target, offset: 0, columns: targetSet },
      ...keyCols.map((c) => ({ kind: "column" as const, offset: targetCols.includes(c) ? targetCols.indexOf(c) : targetCols.length + extra.indexOf(c) })),
    ];
    const rows = await ctx.runEntities(statement, plan, trees);
    for (const row of rows) {
      const obj = row[0] as object;
      const k = row.length === 2 ? row[1] : identityToken(row.slice(1)); // a one-column key is its own token
      const list = found.get(k);
      if (list === undefined) found.set(k, [obj]);
      else list.push(obj);
      related.push(stateOf(obj) as InstanceState);
    }
  }
  for (const [k, entry] of byKey) {
    const objs = found.get(k) ?? [];
    for (const parent of entry.parents) assign(parent, rel, rel.uselist ? objs : (objs[0] ?? null), overwrite);
  }
  for (const parent of todo) if (!(rel.key in parent.dict) || overwrite) {
    const values = valuesOf(parent, parent.mapper, localCols);
    if (values.some((v) => v === null || v === undefined)) assign(parent, rel, rel.uselist ? [] : null, overwrite);
  }
  return related;
}

/** Whether a query of `mapper` may return objects of a joined-table subclass that loads its own columns with `polymorphicLoad: "selectin"`. @internal */
export function hasSelectinSubclass(mapper: Mapper): boolean {
  return mapper.subclasses.some((sub) => sub.polymorphicLoad === "selectin" || hasSelectinSubclass(sub));
}

/**
 * Joined-table inheritance: a query of a base class read only the base's
 * columns; objects of subclasses with `polymorphicLoad: "selectin"` get their
 * own tables' columns with one more query per subclass (`WHERE key IN (...)`,
 * chunked). Objects already holding those attributes are left alone. @internal
 */
export async function loadSubclassColumns(ctx: LoadContext, states: readonly InstanceState[], queried: Mapper): Promise<void> {
  const bySubclass = new Map<Mapper, InstanceState[]>();
  for (const state of states) {
    const mapper = state.mapper;
    if (mapper === queried || mapper.polymorphicLoad !== "selectin" || mapper._parts.length <= queried._parts.length) continue;
    const set = mapper._columnSet();
    if (set.keys.every((k) => k in state.dict)) continue;
    const list = bySubclass.get(mapper);
    if (list === undefined) bySubclass.set(mapper, [state]);
    else list.push(state);
  }
  for (const [mapper, group] of bySubclass) {
    const set = mapper._columnSet();
    const plan: ItemPlan[] = [{ kind: "entity", mapper, offset: 0, columns: set }];
    for (let i = 0; i < group.length; i += CHUNK) {
      const keys = group.slice(i, i + CHUNK).map((s) => (s.key as NonNullable<InstanceState["key"]>)[1]);
      // Loading an object already in the identity map fills in the attributes it lacks.
      await ctx.runEntities(mapper._select(set.columns).where(inCondition(mapper.primaryKey, keys)), plan, new Map());
    }
  }
}

/** Sets `rel` to empty for `parents` (the noload strategy). @internal */
export function noLoad(parents: readonly InstanceState[], rel: RelationshipProperty): void {
  for (const parent of parents) assign(parent, rel, rel.uselist ? [] : null, false);
}

/** The column attributes of `I` (what defer / undefer / loadOnly name). */
export type ColumnKey<I> = Exclude<{ [K in keyof I & string]: I[K] extends (...args: never[]) => unknown ? never : K }[keyof I & string], RelationshipKeyOf<I>>;

/** A column loading option of a query: `defer`, `undefer` or `loadOnly`. */
export class ColumnLoadOption {
  constructor(
    readonly root: MappedClass,
    readonly kind: "defer" | "undefer" | "loadOnly",
    readonly keys: readonly string[],
  ) {
    const mapper = requireMapper(root);
    for (const key of keys) if (!mapper.columns.has(key)) throw new ArgumentError(`${kind}(): ${mapper.name} has no column attribute "${key}".`);
  }
}

/** Leaves these columns out of the query: reading them raises until `session.refresh(obj, [...])`. */
export function defer<C extends MappedClass>(cls: C, ...keys: ColumnKey<InstanceType<C>>[]): ColumnLoadOption {
  return new ColumnLoadOption(cls, "defer", keys);
}
/** Loads columns the mapping defers (`deferred: true`). */
export function undefer<C extends MappedClass>(cls: C, ...keys: ColumnKey<InstanceType<C>>[]): ColumnLoadOption {
  return new ColumnLoadOption(cls, "undefer", keys);
}
/** Loads only these columns (and the primary key). */
export function loadOnly<C extends MappedClass>(cls: C, ...keys: ColumnKey<InstanceType<C>>[]): ColumnLoadOption {
  return new ColumnLoadOption(cls, "loadOnly", keys);
}

/** The columns a query loads for `mapper` given its column options. @internal */
export function columnSetFor(mapper: Mapper, options: readonly ColumnLoadOption[]): ColumnSet {
  let keys = mapper._columnSet().keys as string[];
  for (const option of options) {
    if (requireMapper(option.root) !== mapper) continue;
    if (option.kind === "loadOnly") keys = [...option.keys];
    else if (option.kind === "defer") keys = keys.filter((k) => !option.keys.includes(k));
    else keys = [...new Set([...keys, ...option.keys])];
  }
  return mapper._columnSet(keys);
}
