/**
 * Declarative mapping: a class declares its table and columns in the
 * expression it extends, and is mapped when first used.
 *
 * ```ts
 * const Base = declarativeBase();
 * class User extends Base.model("users", { id: mapped(Integer, { primaryKey: true }), name: mapped(Text) }) {
 *   declare posts: Post[];
 *   static {
 *     this.relate({ posts: relationship(() => Post, { backPopulates: "author" }) });
 *   }
 * }
 * ```
 *
 * Columns live in the base-class expression, where their types are inferred;
 * relationships are declared on the class (`declare`) and configured in a
 * static block, because a base-class expression may not refer to a class
 * that refers back to it (TypeScript's "referenced directly or indirectly in
 * its own base expression").
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import {
  Table,
  column,
  type AnyColumnDef,
  type ColumnDef,
  type ColumnDefs,
  type ColumnOptions,
  type ColumnValue,
  type MetaData,
  type NoOptions,
  type TableArg,
  type TableColumns,
} from "../schema/index.js";
import type { TypeArgument } from "../sql/index.js";
import { Mapper, _setDeclarativeHook, hasOwnMapper, mapperOf, type MappedClass, type MapperOptions } from "./mapper.js";
import { Registry, type RegistryOptions } from "./registry.js";
import type { RelationshipProperty } from "./relationship.js";
import { attachState, stateOf } from "./state.js";

/** Column options plus the ORM's constructor options. */
export interface MappedColumnOptions<T = unknown> extends ColumnOptions<T> {
  /** `false` leaves the attribute out of the constructor's values (it is set later, or by the database). */
  readonly init?: boolean;
  /** Called by the constructor when no value is given: the attribute has a value at once (a UUID key, say). */
  readonly defaultFactory?: () => T;
  /**
   * The version counter of optimistic concurrency: set to 1 on INSERT,
   * incremented by each UPDATE, and checked in its WHERE clause; an UPDATE or
   * DELETE that matches no row raises `StaleDataError`. One per model.
   */
  readonly version?: boolean;
  /** Leave the column out of queries unless asked (`undefer`, `loadOnly`, `refresh`): for large text or binary columns. */
  readonly deferred?: boolean;
}

/**
 * A column of a declarative model: `column()` with the ORM's constructor
 * options (`init`, `defaultFactory`). Plain `column()` definitions work too.
 *
 * @example
 * ```ts
 * id: mapped(UUID, { primaryKey: true, defaultFactory: () => randomUUID() }),
 * createdAt: mapped(DateTime, { serverDefault: func.now(), init: false }),
 * ```
 */
export function mapped<T, const O extends MappedColumnOptions<T> = NoOptions>(type: TypeArgument<T>, options?: O): ColumnDef<NoInfer<T>, NoInfer<O>> {
  return column(type, options as never) as unknown as ColumnDef<NoInfer<T>, NoInfer<O>>;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The attribute values of a model's columns. */
export type ModelAttributes<D extends ColumnDefs> = { -readonly [K in keyof D]: ColumnValue<D[K]["_tsType"], D[K]["options"]> };

type InitKeys<D extends ColumnDefs> = { [K in keyof D]: D[K]["options"] extends { readonly init: false } ? never : K }[keyof D];
type OptionalInit<D extends ColumnDefs, C> = {
  [K in InitKeys<D>]: D[K]["options"] extends { readonly defaultFactory: unknown } | { readonly version: true }
    ? K
    : K extends keyof C
      ? C[K] extends { readonly _insert: "optional" }
        ? K
        : never
      : never;
}[InitKeys<D>];

/**
 * What a model's constructor takes: the columns without a default, a server
 * default, a generated key or NULL are required; the others optional; those
 * with `init: false` are left out.
 */
export type ModelInit<D extends ColumnDefs, TB extends string> = Simplify<
  { [K in Exclude<InitKeys<D>, OptionalInit<D, TableColumns<D, TB>>>]: ModelAttributes<D>[K] } & {
    [K in OptionalInit<D, TableColumns<D, TB>>]?: ModelAttributes<D>[K];
  }
>;

/** The related class of an attribute's declared type: `Post` for `Post[]` and for `Post | null`. */
export type RelatedOf<V> = V extends readonly (infer E)[] ? E : NonNullable<V>;

/** The options of `polymorphic()`: the discriminator column attribute and this class's value. */
export interface PolymorphicOptions {
  readonly on: string;
  readonly identity: unknown;
}

/** The relationships a model may declare: any attribute that is not a column, typed by the related class. */
export type RelationshipsOf<I, D extends ColumnDefs> = { [K in Exclude<keyof I, keyof D>]?: RelationshipProperty<RelatedOf<I[K]> & object> };

/** Related objects a model's `create()` accepts: its relationship attributes, all optional. */
export type RelationshipValues<I, D extends ColumnDefs> = { [K in Exclude<keyof I, keyof D> as I[K] extends (...args: never[]) => unknown ? never : K]?: I[K] };

type CreateArgs<D extends ColumnDefs, TB extends string, I> = NoOptions extends ModelInit<D, TB>
  ? [values?: ModelInit<D, TB> & RelationshipValues<I, D>]
  : [values: ModelInit<D, TB> & RelationshipValues<I, D>];

type InitArgs<D extends ColumnDefs, TB extends string> = NoOptions extends ModelInit<D, TB> ? [values?: ModelInit<D, TB>] : [values: ModelInit<D, TB>];

/** The class `Base.model()` returns, for a model class to extend. */
export interface ModelClass<D extends ColumnDefs, TB extends string> {
  new (...args: InitArgs<D, TB>): ModelAttributes<D>;
  /** The model's table. */
  readonly table: Table<D, TB>;
  /** The columns, for expressions: `User.c.name.eq("ada")`. (A handle that cannot collide with Function's own `name` or `length`.) */
  readonly c: TableColumns<D, TB>;
  /**
   * Makes the model the base of a single-table inheritance hierarchy: the
   * `on` column tells each row's class. Call it first in the static block.
   */
  polymorphic(options: PolymorphicOptions): void;
  /**
   * Maps a subclass of a polymorphic model. Its rows carry `identity` in the
   * discriminator column. Extending the model itself is single-table
   * inheritance (the same table; declare the subclass's columns on the base,
   * nullable); extending `Model.joined(table, columns)` is joined-table
   * inheritance (see {@link ModelClass.joined}).
   */
  inherit<C extends MappedClass>(this: C, options: InheritOptions): void;
  /**
   * The base of a subclass with a table of its own (joined-table
   * inheritance): its rows are the parent's rows plus a row of `tableName`
   * whose primary key refers to the parent's. Columns named like a parent
   * attribute must be that key; the others are the subclass's own.
   *
   * @example
   * ```ts
   * class Engineer extends Employee.joined("engineers", {
   *   id: mapped(Integer, { primaryKey: true, foreignKey: "employees.id" }),
   *   language: mapped(Text),
   * }) {
   *   static {
   *     this.inherit({ identity: "engineer", polymorphicLoad: "selectin" });
   *   }
   * }
   * ```
   */
  joined<C extends MappedClass, const TB2 extends string, const D2 extends ColumnDefs>(
    this: C,
    tableName: TB2,
    columns: D2,
    ...items: TableArg<TableColumns<D2, TB2>>[]
  ): JoinedModelClass<D, TB, InstanceType<C>, D2, TB2>;
  /** Declares relationships of the model; call it in a `static {}` block of the class. */
  relate<C extends MappedClass>(this: C, relationships: RelationshipsOf<InstanceType<C>, D>): void;
  /**
   * Constructs an instance with column values and related objects:
   * `Book.create({ title: "x", author })` (the constructor's type knows only
   * the columns, as a base class cannot see the relationships declared below it).
   */
  create<C extends MappedClass>(this: C, ...args: CreateArgs<D, TB, InstanceType<C>>): InstanceType<C>;
}

/** The options of `inherit()`. */
export interface InheritOptions {
  /** This class's discriminator value. */
  readonly identity: unknown;
  /** Joined-table inheritance: `"selectin"` loads this class's own columns when a query of a base class returns objects of it (one more query). */
  readonly polymorphicLoad?: "selectin";
}

/** The columns of a joined-table subclass: the parent's, then its own table's (its key columns join the parent's key attributes). */
export type JoinedDefs<D extends ColumnDefs, D2 extends ColumnDefs> = Simplify<D & Omit<D2, keyof D>>;

/** The class `Model.joined()` returns, for a joined-table subclass to extend. */
export type JoinedModelClass<D extends ColumnDefs, TB extends string, I, D2 extends ColumnDefs, TB2 extends string> = Omit<ModelClass<JoinedDefs<D, D2>, TB>, "table" | "c"> & {
  new (...args: InitArgs<JoinedDefs<D, D2>, TB>): I & ModelAttributes<Omit<D2, keyof D>>;
  /** The subclass's own table. */
  readonly table: Table<D2, TB2>;
  /** The columns of every table of the class: the parent's, then its own. */
  readonly c: TableColumns<D, TB> & Omit<TableColumns<D2, TB2>, keyof D>;
};

/** Column presets by name: a base's type map (`{ intPk: mapped(Integer, { primaryKey: true }), str256: mapped(new String(256)) }`). */
export type TypeMap = Readonly<Record<string, AnyColumnDef>>;

type Merge<A, B> = Simplify<Omit<A, keyof B> & B>;

/** A declarative base: a registry, its MetaData, and the columns its models share. */
export interface DeclarativeBase<Shared extends ColumnDefs = NoOptions, Types extends TypeMap = NoOptions> {
  readonly registry: Registry;
  readonly metadata: MetaData;
  /** The columns every model of this base gets (from `mixin`). */
  readonly sharedColumns: Shared;
  /** The base's type map: named column presets shared by its models. */
  readonly typeMap: Types;
  /**
   * A column from a preset of the type map, with options added or replaced:
   * `Base.column("str256", { nullable: false })`.
   */
  column<const K extends keyof Types & string, const O extends MappedColumnOptions<Types[K]["_tsType"]> = NoOptions>(
    preset: K,
    options?: O,
  ): ColumnDef<Types[K]["_tsType"], Merge<Types[K]["options"], O>>;
  /**
   * A model class for a new table `tableName` with `columns` (after the
   * shared ones), and table items: constraints, indexes, options, or a
   * function of the columns returning them.
   */
  model<const TB extends string, const D extends ColumnDefs>(
    tableName: TB,
    columns: D,
    ...items: TableArg<TableColumns<Simplify<Shared & D>, TB>>[]
  ): ModelClass<Simplify<Shared & D>, TB>;
  /** A model class for an existing (for example reflected) table. */
  mapTable<D extends ColumnDefs, TB extends string>(table: Table<D, TB>): ModelClass<D, TB>;
  /**
   * A base whose models also get `columns`: a mixin or abstract base
   * (timestamps, a status with a default). Same registry and MetaData.
   */
  mixin<const D extends ColumnDefs>(columns: D): DeclarativeBase<Simplify<Shared & D>, Types>;
}

/** The options of {@link declarativeBase}. */
export interface DeclarativeBaseOptions<Types extends TypeMap> extends RegistryOptions {
  /** Named column presets (SQLAlchemy's type annotation map), used with `Base.column(name, options)`. */
  readonly typeMap?: Types;
}

const PENDING: unique symbol = Symbol("athanor.declarative");
/** On the class `Model.joined()` returns: the table its subclass maps. */
const JOINED_TABLE: unique symbol = Symbol("athanor.joinedTable");

/** The `defaultFactory` of each column attribute of a mapper (a joined-table subclass adds its own table's). */
const defaultFactories = new WeakMap<Mapper, readonly (readonly [string, () => unknown])[]>();

function defaultFactoriesOf(mapper: Mapper): readonly (readonly [string, () => unknown])[] {
  let found = defaultFactories.get(mapper);
  if (found === undefined) {
    found = [...mapper.columns]
      .map(([key, col]) => [key, (col.definition.options as MappedColumnOptions).defaultFactory] as const)
      .filter((entry): entry is readonly [string, () => unknown] => typeof entry[1] === "function");
    defaultFactories.set(mapper, found);
  }
  return found;
}

interface PendingModel {
  readonly registry: Registry;
  readonly table: Table;
  claimedBy: MappedClass | undefined;
}

/** Maps a declarative class the first time it is used (constructed, related, queried). */
function claim(cls: MappedClass, options: MapperOptions = {}): Mapper | undefined {
  const pending = (cls as unknown as { [PENDING]?: PendingModel })[PENDING];
  if (pending === undefined) return undefined;
  if (pending.claimedBy !== undefined) {
    throw new ArgumentError(
      `${cls.name} extends ${pending.claimedBy.name}, whose model is already mapped: make ${cls.name} extend ${pending.claimedBy.name} itself ` +
        `and call this.inherit({ identity }) in its static block (single-table inheritance).`,
    );
  }
  pending.claimedBy = cls;
  const mapper = new Mapper(pending.registry, cls, pending.table, options);
  pending.registry._add(mapper);
  return mapper;
}
_setDeclarativeHook((cls) => claim(cls));

function modelClass<D extends ColumnDefs, TB extends string>(registry: Registry, table: Table<D, TB>): ModelClass<D, TB> {
  const pending: PendingModel = { registry, table: table as unknown as Table, claimedBy: undefined };
  class Model {
    static readonly table = table;
    static readonly c = table.c;
    constructor(values?: Readonly<Record<string, unknown>>) {
      const mapper = mapperOf(new.target) as Mapper;
      const state = stateOf(this) ?? attachState(this, mapper);
      const defaults = defaultFactoriesOf(mapper);
      for (let i = 0; i < defaults.length; i++) {
        const [key, factory] = defaults[i] as readonly [string, () => unknown];
        if (values?.[key] === undefined) state.set(key, factory());
      }
      if (mapper.polymorphicOn !== undefined && mapper.polymorphicIdentity !== undefined) state.dict[mapper.polymorphicOn] = mapper.polymorphicIdentity;
      if (values === undefined) return;
      const dict = state.dict;
      const columns = mapper.columns;
      const isNew = state.key === undefined;
      for (const key in values) {
        if (!Object.hasOwn(values, key)) continue;
        // A new object records no changes: column values go straight into its state; relationships keep both sides in step.
        if (columns.has(key)) {
          if (isNew) dict[key] = values[key];
          else (this as Record<string, unknown>)[key] = values[key];
        } else if (mapper.relationships.has(key)) (this as Record<string, unknown>)[key] = values[key];
        else throw new ArgumentError(`${mapper.name} has no attribute "${key}".`);
      }
    }
    static create(this: new (values?: Readonly<Record<string, unknown>>) => object, values?: Readonly<Record<string, unknown>>): object {
      return new this(values);
    }
    static polymorphic(this: MappedClass, options: PolymorphicOptions): void {
      if (hasOwnMapper(this)) {
        throw new ArgumentError(`${this.name}.polymorphic() must come first in the static block (before relate()) and only once.`);
      }
      claim(this, { polymorphicOn: options.on, polymorphicIdentity: options.identity });
    }
    static inherit(this: MappedClass, options: InheritOptions): void {
      const direct = Object.getPrototypeOf(this) as MappedClass;
      const parent = mapperOf(direct);
      if (parent === undefined || parent.polymorphicOn === undefined) {
        throw new ArgumentError(`${this.name}.inherit(): its base class must be a mapped model with this.polymorphic({ on, identity }).`);
      }
      // Extending Parent.joined(...) names the subclass's own table; extending Parent itself, the parent's.
      const own = Object.hasOwn(direct, JOINED_TABLE) ? (direct as unknown as { [JOINED_TABLE]: Table })[JOINED_TABLE] : undefined;
      if (options.polymorphicLoad !== undefined && own === undefined) {
        throw new ArgumentError(`${this.name}.inherit(): polymorphicLoad is for joined-table inheritance (extend ${parent.name}.joined(table, columns)).`);
      }
      const mapper = new Mapper(parent.registry, this, own ?? parent.table, {
        inherits: parent,
        polymorphicIdentity: options.identity,
        polymorphicLoad: options.polymorphicLoad,
      });
      parent.registry._add(mapper);
    }
    static joined(this: MappedClass, tableName: string, columns: ColumnDefs, ...items: TableArg<never>[]): MappedClass {
      const parent = mapperOf(this);
      if (parent === undefined || parent.class_ !== this) throw new ArgumentError(`joined() must be called on a mapped model class.`);
      if (typeof tableName !== "string" || tableName === "") throw new ArgumentError(`${this.name}.joined() needs a table name first.`);
      const table = new Table(tableName, parent.registry.metadata, columns as never, ...(items as never[]));
      const c = { ...(table.c as Record<string, unknown>) };
      for (const [key, col] of parent.columns) c[key] = col;
      const Joined = class extends (this as unknown as new (values?: Readonly<Record<string, unknown>>) => object) {};
      Object.defineProperty(Joined, "name", { value: `${this.name}_${tableName}` });
      Object.defineProperty(Joined, "table", { value: table, enumerable: true });
      Object.defineProperty(Joined, "c", { value: c, enumerable: true });
      Object.defineProperty(Joined, JOINED_TABLE, { value: table, enumerable: false });
      return Joined;
    }
    static relate(this: MappedClass, relationships: Readonly<Record<string, RelationshipProperty | undefined>>): void {
      const mapper = mapperOf(this);
      if (mapper === undefined || mapper.class_ !== this) throw new ArgumentError(`relate() must be called on the model class itself.`);
      for (const [key, rel] of Object.entries(relationships)) if (rel !== undefined) mapper.addRelationship(key, rel);
    }
  }
  Object.defineProperty(Model, PENDING, { value: pending, enumerable: false });
  return Model as unknown as ModelClass<D, TB>;
}

function makeBase<Shared extends ColumnDefs, Types extends TypeMap>(registry: Registry, shared: Shared, typeMap: Types): DeclarativeBase<Shared, Types> {
  return {
    registry,
    metadata: registry.metadata,
    sharedColumns: shared,
    typeMap,
    column(preset, options) {
      const definition = typeMap[preset];
      if (definition === undefined) {
        throw new ArgumentError(`No preset "${preset}" in this base's type map (it has ${Object.keys(typeMap).map((k) => `"${k}"`).join(", ") || "none"}).`);
      }
      return column(definition.type, { ...definition.options, ...options } as never) as never;
    },
    model(tableName, columns, ...items) {
      if (typeof tableName !== "string" || tableName === "") throw new ArgumentError("model() needs a table name first.");
      for (const key of Object.keys(columns)) {
        if (Object.hasOwn(shared, key)) throw new ArgumentError(`Model ${tableName}: column "${key}" is also a shared (mixin) column.`);
      }
      const table = new Table(tableName, registry.metadata, { ...shared, ...columns } as never, ...(items as never[]));
      return modelClass(registry, table) as never;
    },
    mapTable(table) {
      if (table.metadata !== registry.metadata) throw new ArgumentError(`Table ${table.name} belongs to another MetaData than this base's.`);
      return modelClass(registry, table);
    },
    mixin(columns) {
      return makeBase(registry, { ...shared, ...columns } as never, typeMap);
    },
  };
}

/**
 * A declarative base: a registry with its MetaData, from which model
 * classes are declared.
 *
 * @example
 * ```ts
 * const Base = declarativeBase({ typeMap: { intPk: mapped(Integer, { primaryKey: true }), str256: mapped(new String(256)) } });
 * const Timestamped = Base.mixin({
 *   createdAt: mapped(DateTime, { nullable: false, default: () => new Date(), init: false }),
 *   updatedAt: mapped(DateTime, { onUpdate: () => new Date(), init: false }),
 * });
 * class Note extends Timestamped.model("notes", { id: Base.column("intPk"), title: Base.column("str256", { nullable: false }) }) {}
 * const note = new Note({ title: "hello" });
 * await Base.metadata.createAll(engine);
 * ```
 */
export function declarativeBase<const Types extends TypeMap = NoOptions>(options: DeclarativeBaseOptions<Types> = {}): DeclarativeBase<NoOptions, Types> {
  return makeBase(new Registry(options), {} as NoOptions, options.typeMap ?? ({} as Types));
}
