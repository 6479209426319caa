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
  /** The mapper of the class this one inherits from (single-table inheritance: same table). */
  readonly inherits?: Mapper;
  /** The discriminator attribute of a polymorphic hierarchy (on its base mapper). */
  readonly polymorphicOn?: string;
  /** The discriminator value that names this class. */
  readonly polymorphicIdentity?: unknown;
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
    for (const [key, col] of Object.entries(table.c as Record<string, AnyColumn>)) {
      if (!excluded.has(key) && !renamed.has(col)) this.#addColumn(key, col);
    }
    for (const [key, value] of Object.entries(properties)) {
      if (value instanceof RelationshipProperty) this.#addRelationship(key, value);
      else if (value.table !== table) throw new ArgumentError(`Property ${class_.name}.${key}: column ${String(value)} is not a column of ${table.name}.`);
      else this.#addColumn(key, value);
    }
    this.inherits = options.inherits;
    const parent = options.inherits;
    if (parent !== undefined) {
      if (parent.table !== table) throw new ArgumentError(`${class_.name} inherits ${parent.name}: single-table inheritance maps the same table (joined-table inheritance is not supported yet).`);
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
    this.primaryKey = table.primaryKey.columns as AnyColumn[];
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
    Object.defineProperty(class_, MAPPER, { value: this, enumerable: false });
    instrumentAttributes(this);
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
  _newInstance(): { obj: T; state: InstanceState } {
    const obj = Object.create(this.class_.prototype as object) as T;
    return { obj, state: attachState(obj, this as Mapper) };
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
