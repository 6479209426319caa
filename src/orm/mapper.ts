/**
 * The Mapper: what links a class to a table. It knows which attribute holds
 * which column, the primary key, the relationships, and how to make an
 * instance for a loaded row. One mapper per class, made by a
 * {@link Registry} (imperatively, declaratively or by automap).
 *
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors/index.js";
import type { AnySchemaColumn as AnyColumn, AnyTable } from "../schema/index.js";
import { and, select as coreSelect, type ColumnElement, type Select } from "../sql/index.js";
import { instrumentAttributes } from "./attributes.js";
import { RelationshipProperty } from "./relationship.js";
import { attachState, stateOf, type IdentityKey, type InstanceState } from "./state.js";
import type { Registry } from "./registry.js";

/** A class that can be mapped: any class (its constructor arguments do not matter to the mapper). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MappedClass<T extends object = object> = abstract new (...args: any[]) => T;

/** The options of a mapping. */
export interface MapperOptions {
  /**
   * Extra or renamed properties: a relationship, or a column of the table
   * mapped under another attribute name (`{ title: posts.c.post_title }`).
   */
  readonly properties?: Readonly<Record<string, RelationshipProperty | AnyColumn>>;
  /** Column keys of the table that get no attribute. */
  readonly exclude?: readonly string[];
  /** The version counter column of optimistic concurrency (or mark a column with `version: true` in `mapped()`). */
  readonly versionColumn?: AnyColumn;
  /**
   * The mapper of the class this one inherits from: single-table inheritance
   * when `table` is the parent's, joined-table inheritance when it is another
   * table whose primary key refers to the parent's (its rows extend the
   * parent's rows).
   */
  readonly inherits?: Mapper;
  /** The discriminator attribute of a polymorphic hierarchy (on its base mapper). */
  readonly polymorphicOn?: string;
  /** The discriminator value that names this class. */
  readonly polymorphicIdentity?: unknown;
  /**
   * Joined-table inheritance: `"selectin"` loads this class's own columns
   * whenever a query of a base class returns objects of it, with one more
   * query (`WHERE key IN (...)`) per subclass (SQLAlchemy's
   * `polymorphic_load="selectin"`). Without it those columns are not loaded,
   * and reading one raises until `session.refresh(obj)`.
   */
  readonly polymorphicLoad?: "selectin";
}

/**
 * The key columns of a joined table, each with the parent key attribute it
 * joins (the column's foreign key to the parent's key, else the same name).
 */
function linkedKeyColumns(className: string, parent: Mapper, table: AnyTable): Map<AnyColumn, string> {
  const linked = new Map<AnyColumn, string>();
  const own = table.primaryKey.columns as AnyColumn[];
  for (const col of own) {
    let key: string | undefined;
    for (const fk of col.foreignKeys) {
      let target: unknown;
      try {
        target = fk.column;
      } catch {
        continue; // an unresolvable target is not the parent's key
      }
      const found = parent.primaryKey.find((p) => p === target);
      if (found !== undefined) key = parent.attributeOf.get(found);
    }
    key ??= parent.primaryKey.map((p) => parent.attributeOf.get(p) as string).find((k) => k === col.name);
    if (key === undefined) {
      throw new ArgumentError(
        `${className} inherits ${parent.name} with its own table ${table.name}: primary key column ${table.name}.${col.name} must refer to ${parent.name}'s key ` +
          `(a foreign key to ${parent.primaryKey.map((p) => `${p.table.name}.${p.name}`).join(", ")}).`,
      );
    }
    linked.set(col, key);
  }
  if (linked.size !== parent.primaryKey.length) {
    throw new ArgumentError(`${className}: table ${table.name} must have a primary key matching ${parent.name}'s (${parent.primaryKeyAttributes.join(", ")}) for joined-table inheritance.`);
  }
  for (const key of Object.keys(table.c)) {
    const col = (table.c as Record<string, AnyColumn>)[key] as AnyColumn;
    if (!linked.has(col) && parent.columns.has(key)) {
      throw new ArgumentError(`${className}: column ${table.name}.${key} has the name of an attribute ${parent.name} already maps; rename one of them.`);
    }
  }
  return linked;
}

/** @internal Which columns of a class a query loads, and how to read them from a row. */
export interface ColumnSet {
  /** Where the discriminator is among the keys (-1: not polymorphic, or not loaded). */
  readonly discriminatorIndex: number;
  readonly keys: readonly string[];
  readonly columns: readonly AnyColumn[];
  readonly primaryKeyIndexes: readonly number[];
  readonly fromRow: (row: readonly unknown[], offset: number) => Record<string, unknown>;
}

/**
 * @internal One table of a mapping: the class's table, or with joined-table
 * inheritance each table from the base down, with the attributes stored in it.
 */
export interface TablePart {
  readonly table: AnyTable;
  /** Attribute keys of this table's columns, in mapping order. */
  readonly keys: readonly string[];
  /** Attribute key to this table's column. */
  readonly columns: ReadonlyMap<string, AnyColumn>;
  /** This table's primary key columns, and their attribute keys (the same attributes in every table of a hierarchy). */
  readonly primaryKey: readonly AnyColumn[];
  readonly primaryKeyAttributes: readonly string[];
}

/** Raised when an object or class is used with the ORM but was never mapped. */
export class UnmappedClassError extends InvalidRequestError {}

const MAPPER: unique symbol = Symbol("athanor.mapper");

let declarativeHook: ((cls: MappedClass) => Mapper | undefined) | undefined;

/** @internal Lets declarative models map their class on first use (declarative.ts registers it). */
export function _setDeclarativeHook(hook: (cls: MappedClass) => Mapper | undefined): void {
  declarativeHook = hook;
}

/** @internal Whether `cls` itself (not a base class) is mapped. */
export function hasOwnMapper(cls: object): boolean {
  return Object.hasOwn(cls, MAPPER);
}

/** The mapper of a mapped class or instance, or `undefined`. */
export function mapperOf(target: object): Mapper | undefined {
  const cls = (typeof target === "function" ? target : target.constructor) as MappedClass | undefined;
  if (cls === undefined) return undefined;
  return (cls as { [MAPPER]?: Mapper })[MAPPER] ?? declarativeHook?.(cls);
}

/** The mapper of a mapped class or instance; raises {@link UnmappedClassError} when it has none. */
export function requireMapper(target: object): Mapper {
  const mapper = mapperOf(target);
  if (mapper !== undefined) return mapper;
  const name = typeof target === "function" ? target.name : (target.constructor?.name ?? typeof target);
  throw new UnmappedClassError(`Class ${name} is not mapped: map it with a registry (declarative model, mapImperatively or automap) first.`);
}

/** Links one class to one table. */
export class Mapper<T extends object = object> {
  /** Column attributes: attribute key to column. */
  readonly columns = new Map<string, AnyColumn>();
  /** The attribute key of each mapped column. */
  readonly attributeOf = new Map<AnyColumn, string>();
  /** Relationship attributes by key, in declaration order. */
  readonly relationships = new Map<string, RelationshipProperty>();
  /** The primary key columns, in the table's key order. */
  readonly primaryKey: readonly AnyColumn[];
  /** The attribute keys of the primary key columns. */
  readonly primaryKeyAttributes: readonly string[];
  /** @internal False until the registry resolves this mapper's relationships. */
  _configured = false;
  /** The mapper this one inherits from (single-table inheritance). */
  readonly inherits: Mapper | undefined;
  /** The discriminator attribute (shared by the hierarchy). */
  readonly polymorphicOn: string | undefined;
  /** This class's discriminator value. */
  readonly polymorphicIdentity: unknown;
  /** Discriminator value → mapper, shared by every class of the hierarchy. */
  readonly polymorphicMap: Map<unknown, Mapper>;
  /** The mappers that inherit from this one directly. */
  readonly subclasses: Mapper[] = [];
  /** The attribute of the version counter (optimistic concurrency), if the mapping has one. */
  readonly versionAttribute: string | undefined;
  /** @internal Column attribute keys in mapping order. */
  readonly _columnKeys: readonly string[];
  /** @internal The tables rows of this class live in, base first (one, unless joined-table inheritance). */
  readonly _parts: readonly TablePart[];
  /** How a query of a base class loads this subclass's own table: `"selectin"` with one more query per subclass, else not at all. */
  readonly polymorphicLoad: "selectin" | undefined;

  constructor(
    readonly registry: Registry,
    readonly class_: MappedClass<T>,
    readonly table: AnyTable,
    options: MapperOptions = {},
  ) {
    if (Object.hasOwn(class_, MAPPER)) throw new ArgumentError(`Class ${class_.name} is already mapped.`);
    const renamed = new Set<AnyColumn>();
    const properties = options.properties ?? {};
    for (const value of Object.values(properties)) if (!(value instanceof RelationshipProperty)) renamed.add(value);
    const excluded = new Set(options.exclude ?? []);
    const parent = options.inherits;
    const joinedTo = parent !== undefined && parent.table !== table ? parent : undefined;
    // Joined-table inheritance: the parent's attributes first; this table's key columns join the parent's key attributes.
    const linked = joinedTo === undefined ? new Map<AnyColumn, string>() : linkedKeyColumns(class_.name, joinedTo, table);
    if (joinedTo !== undefined) {
      for (const [key, col] of joinedTo.columns) this.#addColumn(key, col);
      // The key columns of the tables between the base and the parent name the same key attributes here.
      for (const [col, key] of joinedTo.attributeOf) if (!this.attributeOf.has(col)) this.attributeOf.set(col, key);
    }
    for (const [col, key] of linked) this.attributeOf.set(col, key);
    for (const [key, col] of Object.entries(table.c as Record<string, AnyColumn>)) {
      if (!excluded.has(key) && !renamed.has(col) && !linked.has(col)) this.#addColumn(key, col);
    }
    for (const [key, value] of Object.entries(properties)) {
      if (value instanceof RelationshipProperty) this.#addRelationship(key, value);
      else if (value.table !== table) throw new ArgumentError(`Property ${class_.name}.${key}: column ${String(value)} is not a column of ${table.name}.`);
      else this.#addColumn(key, value);
    }
    this.inherits = parent;
    if (parent !== undefined) {
      for (const [key, rel] of parent.relationships) this.relationships.set(key, rel);
      parent.subclasses.push(this as Mapper);
    }
    this.polymorphicOn = parent?.polymorphicOn ?? options.polymorphicOn;
    this.polymorphicMap = parent?.polymorphicMap ?? new Map();
    this.polymorphicIdentity = options.polymorphicIdentity;
    if (this.polymorphicOn !== undefined && !this.columns.has(this.polymorphicOn)) {
      throw new ArgumentError(`${class_.name}: the discriminator "${this.polymorphicOn}" is not a column attribute.`);
    }
    if (options.polymorphicIdentity !== undefined) {
      if (this.polymorphicMap.has(options.polymorphicIdentity)) throw new ArgumentError(`${class_.name}: the discriminator value ${JSON.stringify(options.polymorphicIdentity)} is taken.`);
      this.polymorphicMap.set(options.polymorphicIdentity, this as Mapper);
    }
    // The identity of a row of a hierarchy is the base table's key (a joined table's key has the same values).
    this.primaryKey = joinedTo !== undefined ? joinedTo.primaryKey : (table.primaryKey.columns as AnyColumn[]);
    if (this.primaryKey.length === 0) {
      throw new ArgumentError(`Cannot map ${class_.name} to ${table.name}: the table has no primary key (give it one, or map a table that has).`);
    }
    this.primaryKeyAttributes = this.primaryKey.map((col) => {
      const key = this.attributeOf.get(col);
      if (key === undefined) throw new ArgumentError(`Cannot map ${class_.name}: primary key column ${String(col)} is excluded.`);
      return key;
    });
    const versioned = [...this.columns].filter(([, col]) => (col.definition.options as { version?: boolean }).version === true);
    if (options.versionColumn !== undefined) versioned.push([this.attributeOf.get(options.versionColumn) ?? "", options.versionColumn]);
    if (versioned.length > 1) throw new ArgumentError(`${class_.name} has more than one version column.`);
    this.versionAttribute = versioned[0]?.[0];
    if (this.versionAttribute === "") throw new ArgumentError(`${class_.name}: the versionColumn is not a mapped column.`);
    this._columnKeys = [...this.columns.keys()];
    this._parts = joinedTo === undefined ? [this.#part(table)] : [...joinedTo._parts.map((p) => this.#part(p.table)), this.#part(table)];
    this.polymorphicLoad = options.polymorphicLoad;
    Object.defineProperty(class_, MAPPER, { value: this, enumerable: false });
    instrumentAttributes(this);
  }

  #part(table: AnyTable): TablePart {
    const columns = new Map<string, AnyColumn>();
    for (const col of Object.values(table.c as Record<string, AnyColumn>)) {
      const key = this.attributeOf.get(col);
      if (key !== undefined) columns.set(key, col);
    }
    const primaryKey = table.primaryKey.columns as AnyColumn[];
    return { table, keys: [...columns.keys()], columns, primaryKey, primaryKeyAttributes: primaryKey.map((col) => this.attributeOf.get(col) as string) };
  }

  /** Whether rows of this class span more than one table (joined-table inheritance). */
  get joined(): boolean {
    return this._parts.length > 1;
  }

  #from: AnyTable | undefined;

  /** @internal The FROM of this class's rows: its table, or its tables joined on their keys (built once). */
  get _from(): AnyTable {
    if (this.#from !== undefined) return this.#from;
    const base = this._parts[0] as TablePart;
    let from = base.table;
    for (let i = 1; i < this._parts.length; i++) {
      const part = this._parts[i] as TablePart;
      // Each key column joins the base key column of the same attribute.
      const on = and(...part.primaryKey.map((col, k) => col.eq(base.primaryKey[base.primaryKeyAttributes.indexOf(part.primaryKeyAttributes[k] as string)] as never)));
      from = from.join(part.table, on as ColumnElement<boolean, string>) as unknown as AnyTable;
    }
    return (this.#from = from);
  }

  /** @internal A Core SELECT of `columns` from this class's rows (its tables joined when there are several). */
  _select(columns: readonly AnyColumn[]): Select {
    const statement = coreSelect(...(columns as [AnyColumn])) as unknown as Select;
    return this.joined ? (statement.selectFrom(this._from as never) as Select) : statement;
  }

  /** The root mapper of this class's hierarchy (itself without inheritance): it keys the identity map. */
  get base(): Mapper {
    let mapper = this as Mapper;
    while (mapper.inherits !== undefined) mapper = mapper.inherits;
    return mapper;
  }

  /** The discriminator values of this class and every class below it. */
  get polymorphicIdentities(): unknown[] {
    const own = this.polymorphicIdentity === undefined ? [] : [this.polymorphicIdentity];
    return [...own, ...this.subclasses.flatMap((m) => m.polymorphicIdentities)];
  }

  /** The class name, for messages. */
  get name(): string {
    return this.class_.name;
  }

  /** Adds a relationship after mapping (before the registry is configured). */
  addRelationship(key: string, property: RelationshipProperty): void {
    if (this._configured) throw new ArgumentError(`Cannot add ${this.name}.${key}: the mappers are already configured.`);
    this.#addRelationship(key, property);
    instrumentAttributes(this, [key]);
  }

  #addColumn(key: string, col: AnyColumn): void {
    this.#checkFree(key);
    if (this.attributeOf.has(col)) throw new ArgumentError(`Column ${String(col)} is mapped twice on ${this.name}.`);
    this.columns.set(key, col);
    this.attributeOf.set(col, key);
  }

  #addRelationship(key: string, property: RelationshipProperty): void {
    this.#checkFree(key);
    if (property.parent !== undefined) throw new ArgumentError(`The relationship given for ${this.name}.${key} already belongs to ${property.describe()}.`);
    property.key = key;
    property.parent = this as Mapper;
    this.relationships.set(key, property);
  }

  #checkFree(key: string): void {
    if (this.columns.has(key) || this.relationships.has(key)) throw new ArgumentError(`${this.name} maps "${key}" twice.`);
  }

  #attributeKeys: readonly string[] = [];

  /** Every mapped attribute key: columns, then relationships (computed again only when one was added). */
  get attributeKeys(): readonly string[] {
    if (this.#attributeKeys.length !== this.columns.size + this.relationships.size) {
      this.#attributeKeys = [...this.columns.keys(), ...this.relationships.keys()];
    }
    return this.#attributeKeys;
  }

  readonly #columnSets = new Map<string, ColumnSet>();
  #defaultSet: ColumnSet | undefined;

  /** The column attributes loaded only on request (`deferred: true` in `mapped()`). */
  get deferredAttributes(): readonly string[] {
    return [...this.columns].filter(([, col]) => (col.definition.options as { deferred?: boolean }).deferred === true).map(([key]) => key);
  }

  /**
   * @internal The columns a query loads for this class: `keys` (the key
   * columns always included), in mapping order, with how to read them from a
   * row. Made once per set of keys.
   */
  _columnSet(keys?: readonly string[]): ColumnSet {
    if (keys === undefined && this.#defaultSet !== undefined) return this.#defaultSet;
    const deferred = keys === undefined ? this.deferredAttributes : [];
    const wanted = keys ?? this._columnKeys.filter((k) => !deferred.includes(k));
    const chosen = this._columnKeys.filter((k) => wanted.includes(k) || this.primaryKeyAttributes.includes(k) || k === this.polymorphicOn);
    const id = chosen.join("\u0000");
    const cached = this.#columnSets.get(id);
    if (cached !== undefined) {
      if (keys === undefined) this.#defaultSet = cached;
      return cached;
    }
    const fields = chosen.map((key, i) => `${JSON.stringify(key)}: row[offset + ${i}]`).join(", ");
    const set: ColumnSet = {
      keys: chosen,
      columns: chosen.map((k) => this.columns.get(k) as AnyColumn),
      primaryKeyIndexes: this.primaryKeyAttributes.map((k) => chosen.indexOf(k)),
      discriminatorIndex: this.polymorphicOn === undefined ? -1 : chosen.indexOf(this.polymorphicOn),
      // An object literal per row: one hidden class for all rows, much faster than assigning keys one by one.
      // The keys are JSON-quoted attribute names and the values come from the row: no data reaches the code.
      fromRow: new Function("row", "offset", `return { ${fields} };`) as ColumnSet["fromRow"],
    };
    this.#columnSets.set(id, set);
    if (keys === undefined) this.#defaultSet = set;
    return set;
  }

  /** @internal A new, empty instance for a loaded row: the constructor is not called, as SQLAlchemy does. */
  _newInstance(dict?: Record<string, unknown>): InstanceState {
    return attachState(Object.create(this.class_.prototype as object) as T, this as Mapper, dict);
  }

  /** The identity key of a loaded or flushed instance, or `undefined` while it has no row. */
  identityKeyOf(obj: T): IdentityKey | undefined {
    return stateOf(obj)?.key;
  }

  /** The primary key values of `obj` as they are now (`undefined` for a key not set yet). */
  primaryKeyOf(obj: T): unknown[] {
    const dict = stateOf(obj)?.dict ?? (obj as Record<string, unknown>);
    return this.primaryKeyAttributes.map((key) => dict[key]);
  }

  toString(): string {
    return `Mapper<${this.name}: ${this.table.fullName}>`;
  }
}
