/**
 * Relationships between mapped classes: {@link relationship} declares one, and
 * the mapper configures it once every class is mapped, finding its direction
 * (many-to-one, one-to-many, many-to-many) and its column pairs from the
 * tables' foreign keys, as SQLAlchemy does.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import type { AnySchemaColumn as AnyColumn, AnyTable, ForeignKeyConstraint } from "../schema/index.js";
import { and, type ColumnElement, type OrderItem } from "../sql/index.js";
import type { MappedClass, Mapper } from "./mapper.js";

/** Which side holds the foreign key, or a `secondary` table between the two. */
export type RelationshipDirection = "many-to-one" | "one-to-many" | "many-to-many";

/** How a relationship loads when a query does not say otherwise. */
export type LazyStrategy = "select" | "selectin" | "joined" | "subquery" | "raise" | "noload";

/** The options of a relationship. */
export interface RelationshipOptions {
  /** The name of the relationship on the target class that mirrors this one; both sides stay in sync in memory. */
  readonly backPopulates?: string;
  /** The association table of a many-to-many relationship (a Table, or its key in the MetaData). */
  readonly secondary?: AnyTable | string;
  /**
   * The columns that count as the foreign key here: picks one path when the
   * tables are linked by several. For many-to-many, the secondary table's
   * columns that refer to the parent.
   */
  readonly foreignKeys?: readonly AnyColumn[];
  /** For a self-referential many-to-one: the columns on the remote (parent row) side, usually the primary key. */
  readonly remoteSide?: readonly AnyColumn[];
  /** `false` makes a one-to-many side scalar (one-to-one); the default follows the direction. */
  readonly uselist?: boolean;
  /** The default loader strategy (default `"select"`: loaded on request, never implicitly). */
  readonly lazy?: LazyStrategy;
  /** Cascades, comma-separated as in SQLAlchemy (default `"save-update, merge"`). */
  readonly cascade?: string;
  /** Leave child rows to the database's `ON DELETE` instead of loading them to delete or unlink them. */
  readonly passiveDeletes?: boolean;
  /** Read-only: never written by a flush. */
  readonly viewonly?: boolean;
  /**
   * The order of a collection's items when loaded: a column of the target
   * (or the secondary) table, several, or a function returning them (for a
   * class declared later: `orderBy: () => Post.c.id`).
   */
  readonly orderBy?: OrderItem | readonly OrderItem[] | (() => OrderItem | readonly OrderItem[]);
}

/** A target class, or a function returning it (for classes defined later), or a mapped class name in the registry. */
export type RelationshipTarget<T extends object = object> = MappedClass<T> | (() => MappedClass<T>) | string;

/** A column pair of a relationship: a column of the parent's table and the column of the target (or secondary) table it joins. */
export interface ColumnPair {
  readonly local: AnyColumn;
  readonly remote: AnyColumn;
}

/**
 * A relationship of a mapper. Declared with {@link relationship}; its
 * direction and column pairs are known after configuration.
 */
export class RelationshipProperty<T extends object = object> {
  /** The attribute name; set when the property is added to a mapper. */
  key = "";
  /** The mapper holding the attribute; set when the property is added to a mapper. */
  parent!: Mapper;
  #target: Mapper | undefined;
  #direction: RelationshipDirection | undefined;
  #pairs: readonly ColumnPair[] = [];
  #secondaryPairs: readonly ColumnPair[] = [];
  #secondary: AnyTable | undefined;
  #reverse: RelationshipProperty | undefined;

  constructor(
    readonly argument: RelationshipTarget<T>,
    readonly options: RelationshipOptions = {},
  ) {}

  /** The target class's mapper. */
  get mapper(): Mapper {
    return this.#configured(this.#target);
  }

  /** many-to-one, one-to-many or many-to-many. */
  get direction(): RelationshipDirection {
    return this.#configured(this.#direction);
  }

  /** Whether the attribute holds an array (the many sides) or one object or null. */
  get uselist(): boolean {
    return this.options.uselist ?? this.direction !== "many-to-one";
  }

  /**
   * The column pairs: parent table column to target table column; for
   * many-to-many, parent table column to secondary table column.
   */
  get pairs(): readonly ColumnPair[] {
    this.#configured(this.#direction);
    return this.#pairs;
  }

  /** For many-to-many: target table column to secondary table column. */
  get secondaryPairs(): readonly ColumnPair[] {
    this.#configured(this.#direction);
    return this.#secondaryPairs;
  }

  /** The association table of a many-to-many relationship. */
  get secondary(): AnyTable | undefined {
    this.#configured(this.#direction);
    return this.#secondary;
  }

  /** The relationship on the target that `backPopulates` names, if any. */
  get reverse(): RelationshipProperty | undefined {
    this.#configured(this.#direction);
    return this.#reverse;
  }

  /**
   * The cascades, from the `cascade` option: `save-update`, `merge`,
   * `delete`, `delete-orphan`, `expunge`, `refresh-expire` (`all` is every one
   * but `delete-orphan`). Default: `save-update` and `merge`.
   */
  get cascades(): ReadonlySet<Cascade> {
    return (this.#cascades ??= parseCascade(this.options.cascade, this.describe()));
  }
  #cascades: ReadonlySet<Cascade> | undefined;

  /** The collection order, resolved. */
  get orderBy(): readonly OrderItem[] {
    const given = this.options.orderBy;
    const value = typeof given === "function" ? given() : given;
    return value === undefined ? [] : Array.isArray(value) ? (value as readonly OrderItem[]) : [value as OrderItem];
  }

  /** The join condition between the parent's table and the target's (through the secondary table for many-to-many). */
  get joinCondition(): ColumnElement<boolean> {
    const pairs = [...this.pairs, ...this.secondaryPairs];
    return and(...pairs.map((p) => p.local.eq(p.remote)));
  }

  #configured<V>(value: V | undefined): V {
    if (value === undefined) {
      throw new ArgumentError(`Relationship ${this.describe()} is not configured yet; call registry.configure() (sessions and queries do it).`);
    }
    return value;
  }

  /** `Class.key`, for messages. */
  describe(): string {
    return `${this.parent === undefined ? "?" : this.parent.class_.name}.${this.key || "?"}`;
  }

  /** @internal Resolves the target, the direction and the column pairs. */
  _configure(resolveTarget: (argument: RelationshipTarget) => Mapper): void {
    if (this.#direction !== undefined) return;
    const target = resolveTarget(this.argument as RelationshipTarget);
    const secondary = this.#resolveSecondary();
    if (secondary !== undefined) {
      this.#pairs = pairsThrough(secondary, this.parent.table, this.options.foreignKeys, this.describe());
      // The target side takes the other key (for a self-referential many-to-many, foreignKeys names the parent side's).
      this.#secondaryPairs = pairsThrough(secondary, target.table, undefined, this.describe(), this.#pairs);
      this.#secondary = secondary;
      this.#target = target;
      this.#direction = "many-to-many";
      return;
    }
    const { direction, pairs } = linkedPairs(this, this.parent, target);
    this.#target = target;
    this.#pairs = pairs;
    this.#direction = direction;
  }

  /** @internal Links `backPopulates` both ways, checking that the two sides mirror each other. */
  _linkReverse(): void {
    const name = this.options.backPopulates;
    if (name === undefined || this.#reverse !== undefined) return;
    const other = this.mapper.relationships.get(name);
    if (other === undefined) {
      throw new ArgumentError(`${this.describe()} has backPopulates "${name}", but ${this.mapper.class_.name} has no relationship named "${name}".`);
    }
    if (other.mapper !== this.parent || (other.options.backPopulates !== undefined && other.options.backPopulates !== this.key)) {
      throw new ArgumentError(`${this.describe()} and ${other.describe()} name each other in backPopulates but do not point at each other's classes.`);
    }
    const mirrored = MIRROR[this.direction] === other.direction;
    if (!mirrored) throw new ArgumentError(`${this.describe()} (${this.direction}) and ${other.describe()} (${other.direction}) cannot back-populate each other.`);
    this.#reverse = other;
    other.#reverse = this;
  }

  #resolveSecondary(): AnyTable | undefined {
    const secondary = this.options.secondary;
    if (typeof secondary !== "string") return secondary;
    const table = this.parent.table.metadata.tables.get(secondary);
    if (table === undefined) throw new ArgumentError(`${this.describe()}: no table "${secondary}" in the MetaData for secondary.`);
    return table;
  }
}

/** One cascade of a relationship. */
export type Cascade = "save-update" | "merge" | "delete" | "delete-orphan" | "expunge" | "refresh-expire";

const ALL_CASCADES: readonly Cascade[] = ["save-update", "merge", "delete", "expunge", "refresh-expire"];
const KNOWN_CASCADES = new Set<string>([...ALL_CASCADES, "delete-orphan", "all", "none"]);

function parseCascade(option: string | undefined, name: string): ReadonlySet<Cascade> {
  if (option === undefined) return new Set<Cascade>(["save-update", "merge"]);
  const parts = option
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const unknown = parts.filter((p) => !KNOWN_CASCADES.has(p));
  if (unknown.length > 0) throw new ArgumentError(`${name}: unknown cascade ${unknown.map((u) => `"${u}"`).join(", ")}; use ${[...KNOWN_CASCADES].join(", ")}.`);
  const result = new Set<Cascade>();
  for (const part of parts) {
    if (part === "all") for (const c of ALL_CASCADES) result.add(c);
    else if (part !== "none") result.add(part as Cascade);
  }
  return result;
}

const MIRROR: Record<RelationshipDirection, RelationshipDirection> = {
  "many-to-one": "one-to-many",
  "one-to-many": "many-to-one",
  "many-to-many": "many-to-many",
};

/**
 * Declares a relationship to another mapped class. The target may be the
 * class, a function returning it (for a class declared later), or its name.
 *
 * @example
 * ```ts
 * registry.mapImperatively(User, users, { properties: { posts: relationship(() => Post, { backPopulates: "author" }) } });
 * registry.mapImperatively(Post, posts, { properties: { author: relationship(() => User, { backPopulates: "posts" }) } });
 * ```
 */
export function relationship<T extends object>(target: RelationshipTarget<T>, options: RelationshipOptions = {}): RelationshipProperty<T> {
  if (typeof target !== "function" && typeof target !== "string") {
    throw new ArgumentError(`relationship() expects a class, a function returning one, or a class name; got ${String(target)}.`);
  }
  return new RelationshipProperty(target, options);
}

function keep(constraint: ForeignKeyConstraint, foreignKeys: readonly AnyColumn[] | undefined): boolean {
  return foreignKeys === undefined || constraint.columns.every((c) => foreignKeys.includes(c));
}

function referringTo(from: AnyTable, to: AnyTable, foreignKeys: readonly AnyColumn[] | undefined): ForeignKeyConstraint[] {
  return from.foreignKeyConstraints.filter((fk) => {
    try {
      return fk.referredTable === to && keep(fk, foreignKeys);
    } catch {
      return false; // a key to a table outside the MetaData links nothing
    }
  });
}

function pairsOf(constraint: ForeignKeyConstraint, fkSide: "local" | "remote"): ColumnPair[] {
  return constraint.elements.map((fk) =>
    fkSide === "local" ? { local: fk.parent, remote: fk.column as AnyColumn } : { local: fk.column as AnyColumn, remote: fk.parent },
  );
}

function describeKeys(constraints: readonly ForeignKeyConstraint[]): string {
  return constraints.map((c) => `(${c.columns.map((col) => `${col.table.name}.${col.name}`).join(", ")})`).join(", ");
}

function directPairs(prop: RelationshipProperty, parent: AnyTable, target: AnyTable): { direction: RelationshipDirection; pairs: ColumnPair[] } {
  const { foreignKeys, remoteSide } = prop.options;
  if (parent === target) {
    const keys = referringTo(parent, parent, foreignKeys);
    if (keys.length !== 1) throw ambiguity(prop, parent, target, keys);
    const constraint = keys[0] as ForeignKeyConstraint;
    // Adjacency list: the remote side is the referred (parent row) columns for many-to-one, the referring ones otherwise.
    const toParentRow = remoteSide !== undefined && constraint.referredColumns.every((c) => remoteSide.includes(c as AnyColumn));
    return toParentRow ? { direction: "many-to-one", pairs: pairsOf(constraint, "local") } : { direction: "one-to-many", pairs: pairsOf(constraint, "remote") };
  }
  const outgoing = referringTo(parent, target, foreignKeys);
  const incoming = referringTo(target, parent, foreignKeys);
  if (outgoing.length + incoming.length !== 1) throw ambiguity(prop, parent, target, [...outgoing, ...incoming]);
  if (outgoing.length === 1) return { direction: "many-to-one", pairs: pairsOf(outgoing[0] as ForeignKeyConstraint, "local") };
  return { direction: "one-to-many", pairs: pairsOf(incoming[0] as ForeignKeyConstraint, "remote") };
}

/**
 * The pairs between the two classes' own tables; when no foreign key links
 * those and a class has joined-table inheritance, between the other tables
 * of its hierarchy (a key to the base table serves a relationship to a
 * subclass, as SQLAlchemy joins on the mapped selectable), most derived first.
 */
function linkedPairs(prop: RelationshipProperty, parent: Mapper, target: Mapper): { direction: RelationshipDirection; pairs: ColumnPair[] } {
  const links = (from: AnyTable, to: AnyTable) => referringTo(from, to, prop.options.foreignKeys).length + referringTo(to, from, prop.options.foreignKeys).length > 0;
  if (links(parent.table, target.table)) return directPairs(prop, parent.table, target.table);
  const parentTables = tablesOf(parent);
  const targetTables = tablesOf(target);
  for (const from of parentTables) {
    // A table both classes share (one inherits from the other) links them by inheritance, not by this relationship.
    if (targetTables.includes(from)) continue;
    for (const to of targetTables) {
      if (!parentTables.includes(to) && links(from, to)) return directPairs(prop, from, to);
    }
  }
  return directPairs(prop, parent.table, target.table); // raises, naming the classes' own tables
}

/** A mapper's tables, its own first, then up its joined-table hierarchy. */
function tablesOf(mapper: Mapper): AnyTable[] {
  return mapper._parts.map((part) => part.table).reverse();
}

function ambiguity(prop: RelationshipProperty, parent: AnyTable, target: AnyTable, keys: readonly ForeignKeyConstraint[]): ArgumentError {
  if (keys.length === 0) {
    return new ArgumentError(
      `Could not find the join condition of ${prop.describe()}: no foreign key links ${parent.name} and ${target.name}` +
        (prop.options.foreignKeys === undefined ? "." : " among the given foreignKeys.") +
        " Add a foreign key to the table, or give secondary for a many-to-many relationship.",
    );
  }
  return new ArgumentError(
    `${prop.describe()} is ambiguous: ${parent.name} and ${target.name} are linked by several foreign keys ${describeKeys(keys)}. ` +
      "Give foreignKeys: [...] with the columns this relationship uses.",
  );
}

/** The pairs joining `table` to the secondary table, through the one foreign key of `secondary` that refers to it. */
function pairsThrough(secondary: AnyTable, table: AnyTable, foreignKeys: readonly AnyColumn[] | undefined, name: string, taken: readonly ColumnPair[] = []): ColumnPair[] {
  const keys = referringTo(secondary, table, foreignKeys).filter((fk) => !fk.columns.some((c) => taken.some((p) => p.remote === c)));
  if (keys.length !== 1) {
    throw new ArgumentError(
      keys.length === 0
        ? `${name}: the secondary table ${secondary.name} has no foreign key to ${table.name}.`
        : `${name}: the secondary table ${secondary.name} has several foreign keys to ${table.name} ${describeKeys(keys)}; give foreignKeys.`,
    );
  }
  return pairsOf(keys[0] as ForeignKeyConstraint, "remote");
}
