/**
 * Automap: mapped classes for an existing database. Reflects the tables (or
 * takes a MetaData already filled), makes a class per table with a primary
 * key, and relationships from the foreign keys: a many-to-one on the table
 * holding the key, the one-to-many back on the table it refers to, and a
 * many-to-many through each pure association table (one made only of two
 * foreign keys). Every name comes from a function the user can replace.
 *
 * @module
 */
import "../engine/reflect.js";
import { ArgumentError } from "../errors/index.js";
import { groupBy } from "../util/index.js";
import { Registry, relationship, type MappedClass, type RelationshipProperty } from "../orm/index.js";
import { MetaData, type AnySchemaColumn, type AnyTable, type ForeignKeyConstraint, type ReflectOptions } from "../schema/index.js";

/** An instance of an automapped class: its attributes are the table's columns and the inferred relationships. */
export type AutomapInstance = Record<string, unknown>;

/** An automapped class. Its constructor takes attribute values: `new Album({ Title: "Blue", ArtistId: 1 })`. */
export type AutomapClass = MappedClass<AutomapInstance> & (new (values?: Readonly<Record<string, unknown>>) => AutomapInstance);

/** What the relationship naming functions are told about one foreign key. */
export interface RelationshipNaming {
  /** The class of the table holding the foreign key (for many-to-many: the class on the other side). */
  readonly referringClass: string;
  /** The class of the table the key refers to (for many-to-many: the class that gets the attribute). */
  readonly referredClass: string;
  /** The foreign key (for many-to-many: the association table's key to the other side). */
  readonly constraint: ForeignKeyConstraint;
  /** The association table of a many-to-many relationship. */
  readonly secondary?: AnyTable;
}

/** The naming functions of automap. Each default is exported, to be wrapped or replaced. */
export interface AutomapNaming {
  /** The class name of a table. Default {@link classNameForTable}: `invoice_line` gives `InvoiceLine`. */
  readonly classNameForTable?: (table: AnyTable) => string;
  /** The many-to-one attribute on the referring class. Default {@link nameForScalarRelationship}. */
  readonly nameForScalarRelationship?: (naming: RelationshipNaming) => string;
  /** The one-to-many or many-to-many attribute on the referred class. Default {@link nameForCollectionRelationship}. */
  readonly nameForCollectionRelationship?: (naming: RelationshipNaming) => string;
}

/** The options of {@link automap} and {@link automapMetaData}. */
export interface AutomapOptions extends AutomapNaming {
  /** Classes to use for some tables, by table name: their methods and getters stay, the mapping adds the attributes. */
  readonly classes?: Readonly<Record<string, MappedClass>>;
  /** Infer relationships from foreign keys (default `true`). */
  readonly relationships?: boolean;
}

/** The options of {@link automap}: reflection scope and naming. */
export interface AutomapReflectOptions extends AutomapOptions, Omit<ReflectOptions, "views"> {
  /** The MetaData to reflect into (default: a new one). */
  readonly metadata?: MetaData;
}

/** What automap made. */
export interface AutomapResult {
  /** The registry holding the mappers (configured). */
  readonly registry: Registry;
  /** The reflected (or given) MetaData. */
  readonly metadata: MetaData;
  /** The classes, by class name. */
  readonly classes: Readonly<Record<string, AutomapClass>>;
  /** Tables that got no class, with the reason (no primary key; association table). */
  readonly skipped: ReadonlyMap<string, string>;
  /** The class of a table (by its key in the MetaData), if it got one. */
  classForTable(name: string): AutomapClass | undefined;
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "");
}

function pascal(name: string): string {
  const result = words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
  return /^[0-9]/.test(result) || result === "" ? `_${result}` : result;
}

function camel(name: string): string {
  const p = pascal(name);
  return p.startsWith("_") ? p : p.charAt(0).toLowerCase() + p.slice(1);
}

/** Default class name: the table name in PascalCase (`invoice_line` and `InvoiceLine` both give `InvoiceLine`). */
export function classNameForTable(table: AnyTable): string {
  return pascal(table.name);
}

const ID_SUFFIX = /(?:_id|Id|ID|_ID)$/;

/**
 * Default many-to-one name: for a one-column key named like `support_rep_id`
 * or `SupportRepId`, the column without its id suffix in camelCase
 * (`supportRep`); otherwise the referred class in camelCase (`employee`).
 */
export function nameForScalarRelationship(naming: RelationshipNaming): string {
  const columns = naming.constraint.columns;
  const only = columns.length === 1 ? (columns[0] as AnySchemaColumn).name : undefined;
  if (only !== undefined && ID_SUFFIX.test(only) && only.replace(ID_SUFFIX, "") !== "") return camel(only.replace(ID_SUFFIX, ""));
  return camel(naming.referredClass);
}

/** Default collection name: the referring class in camelCase with `Collection` (`albumCollection`), as SQLAlchemy's automap does. */
export function nameForCollectionRelationship(naming: RelationshipNaming): string {
  return `${camel(naming.referringClass)}Collection`;
}

/** True for a table made only of two foreign keys' columns: the secondary table of a many-to-many. */
function isAssociationTable(table: AnyTable): boolean {
  const keys = table.foreignKeyConstraints;
  if (keys.length !== 2) return false;
  const keyColumns = new Set(keys.flatMap((k) => k.columns));
  return (Object.values(table.c) as AnySchemaColumn[]).every((c) => keyColumns.has(c));
}

function referred(constraint: ForeignKeyConstraint): AnyTable | undefined {
  try {
    return constraint.referredTable;
  } catch {
    return undefined; // refers to a table that was not reflected
  }
}

function makeClass(name: string): AutomapClass {
  const made = {
    [name]: class {
      constructor(values?: Readonly<Record<string, unknown>>) {
        if (values === undefined) return;
        const proto = new.target.prototype as object;
        for (const [key, value] of Object.entries(values)) {
          if (!(key in proto)) throw new ArgumentError(`${name} has no attribute "${key}".`);
          (this as Record<string, unknown>)[key] = value;
        }
      }
    },
  }[name];
  return made as unknown as AutomapClass;
}

interface PlannedRelationship {
  readonly owner: string; // class name that gets the attribute
  readonly make: (backPopulates: string) => RelationshipProperty;
  readonly proposed: string;
  readonly fallback: string | undefined;
  /** When two relationships of a class propose one name, the preferred one keeps it and the other takes its fallback. */
  readonly preferred: boolean;
  readonly pairKey: string; // links the two sides for backPopulates
}

/**
 * Maps classes onto the tables of `metadata` (reflected or hand-written),
 * with relationships inferred from their foreign keys.
 *
 * @example
 * ```ts
 * const { classes } = automapMetaData(metadata);
 * const { Album, Artist } = classes;
 * ```
 */
export function automapMetaData(metadata: MetaData, options: AutomapOptions = {}): AutomapResult {
  const className = options.classNameForTable ?? classNameForTable;
  const scalarName = options.nameForScalarRelationship ?? nameForScalarRelationship;
  const collectionName = options.nameForCollectionRelationship ?? nameForCollectionRelationship;
  const registry = new Registry({ metadata });
  const classes: Record<string, AutomapClass> = {};
  const byTable = new Map<AnyTable, { name: string; cls: AutomapClass }>();
  const skipped = new Map<string, string>();
  const associations: AnyTable[] = [];

  for (const table of metadata.sortedTables) {
    if (options.relationships !== false && isAssociationTable(table)) {
      associations.push(table);
      skipped.set(table.key, "association table: mapped as the secondary of a many-to-many relationship");
      continue;
    }
    if (table.primaryKey.columns.length === 0) {
      skipped.set(table.key, "no primary key");
      continue;
    }
    const given = options.classes?.[table.name] ?? options.classes?.[table.key];
    const name = given?.name ?? className(table);
    if (Object.hasOwn(classes, name)) throw new ArgumentError(`automap: tables ${byTableName(byTable, name)} and ${table.key} both give class name "${name}"; pass classNameForTable.`);
    const cls = (given as AutomapClass | undefined) ?? makeClass(name);
    classes[name] = cls;
    byTable.set(table, { name, cls });
  }

  const planned: PlannedRelationship[] = [];
  if (options.relationships !== false) {
    for (const [table, { name }] of byTable) {
      for (const constraint of table.foreignKeyConstraints) {
        const target = referred(constraint);
        const other = target === undefined ? undefined : byTable.get(target);
        if (other === undefined) continue;
        const naming: RelationshipNaming = { referringClass: name, referredClass: other.name, constraint };
        const scalar = scalarName(naming);
        const pairKey = `fk:${table.key}:${constraint.columns.map((c) => c.name).join(",")}`;
        const columns = constraint.columns;
        const selfReferential = target === table;
        planned.push({
          owner: name,
          proposed: scalar,
          fallback: undefined,
          preferred: true,
          pairKey,
          make: (backPopulates) => relationship(other.cls, { backPopulates, foreignKeys: columns, ...(selfReferential ? { remoteSide: constraint.referredColumns as AnySchemaColumn[] } : {}) }),
        });
        const collection = collectionName(naming);
        planned.push({
          owner: other.name,
          proposed: collection,
          fallback: `${collection}By${pascal(scalar)}`,
          // The key named after the referred class itself (film.language_id) keeps the plain name.
          preferred: scalar === camel(other.name),
          pairKey,
          make: (backPopulates) => relationship(byTable.get(table)?.cls as AutomapClass, { backPopulates, foreignKeys: columns }),
        });
      }
    }
    for (const secondary of associations) {
      const [first, second] = secondary.foreignKeyConstraints as [ForeignKeyConstraint, ForeignKeyConstraint];
      const a = referred(first);
      const b = referred(second);
      const left = a === undefined ? undefined : byTable.get(a);
      const right = b === undefined ? undefined : byTable.get(b);
      if (left === undefined || right === undefined) continue;
      const pairKey = `m2m:${secondary.key}`;
      for (const [holder, towards, ownKey, otherKey] of [
        [left, right, first, second],
        [right, left, second, first],
      ] as const) {
        const naming: RelationshipNaming = { referringClass: towards.name, referredClass: holder.name, constraint: otherKey, secondary };
        const proposed = collectionName(naming);
        planned.push({
          owner: holder.name,
          proposed,
          fallback: `${proposed}Via${pascal(secondary.name)}`,
          preferred: false,
          pairKey,
          make: (backPopulates) => relationship(towards.cls, { backPopulates, secondary, foreignKeys: ownKey.columns }),
        });
      }
    }
  }

  const names = assignNames(planned, byTable);
  const mirror = mirrors(planned);
  for (const [table, { name, cls }] of byTable) {
    const properties: Record<string, RelationshipProperty> = {};
    for (const plan of planned) {
      if (plan.owner === name) properties[names.get(plan) as string] = plan.make(names.get(mirror.get(plan) as PlannedRelationship) as string);
    }
    registry.mapImperatively(cls, table, { properties });
  }
  registry.configure();
  return {
    registry,
    metadata,
    classes,
    skipped,
    classForTable(name: string) {
      const table = metadata.tables.get(name);
      return table === undefined ? undefined : byTable.get(table)?.cls;
    },
  };
}

function byTableName(byTable: Map<AnyTable, { name: string }>, name: string): string {
  for (const [table, entry] of byTable) if (entry.name === name) return table.key;
  return "?";
}

/** Attribute names per class: the proposed ones, a fallback where two collide or one hits a column or method. */
function assignNames(planned: readonly PlannedRelationship[], byTable: Map<AnyTable, { name: string; cls: AutomapClass }>): Map<PlannedRelationship, string> {
  const taken = new Map<string, Set<string>>();
  for (const [table, { name, cls }] of byTable) {
    const own = new Set(Object.keys(table.c));
    for (let proto = cls.prototype as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const key of Object.getOwnPropertyNames(proto)) if (key !== "constructor") own.add(key);
    }
    taken.set(name, own);
  }
  const names = new Map<PlannedRelationship, string>();
  const counts = new Map<string, number>();
  for (const plan of planned) counts.set(`${plan.owner}.${plan.proposed}`, (counts.get(`${plan.owner}.${plan.proposed}`) ?? 0) + 1);
  for (const plan of planned) {
    const used = taken.get(plan.owner) as Set<string>;
    let name = plan.proposed;
    if (used.has(name) || ((counts.get(`${plan.owner}.${name}`) ?? 0) > 1 && !plan.preferred)) name = plan.fallback ?? name;
    if (used.has(name)) {
      throw new ArgumentError(
        `automap: ${plan.owner}.${name} is taken (by a column, a method or another relationship); ` +
          "pass nameForScalarRelationship / nameForCollectionRelationship to choose other names.",
      );
    }
    used.add(name);
    names.set(plan, name);
  }
  return names;
}

/** Each planned relationship's other side (the two sides of one foreign key, or of one association table). */
function mirrors(planned: readonly PlannedRelationship[]): Map<PlannedRelationship, PlannedRelationship> {
  const sides = groupBy(planned, (plan) => plan.pairKey);
  const mirror = new Map<PlannedRelationship, PlannedRelationship>();
  for (const [one, two] of sides.values() as Iterable<PlannedRelationship[]>) {
    mirror.set(one as PlannedRelationship, two as PlannedRelationship);
    mirror.set(two as PlannedRelationship, one as PlannedRelationship);
  }
  return mirror;
}

/**
 * Reflects a database and maps a class per table, with relationships from
 * the foreign keys. `bind` is an Engine or a Connection.
 *
 * @example
 * ```ts
 * const { classes } = await automap(engine);
 * const { Album, Artist } = classes;
 * // Album.artist (many-to-one), Artist.albumCollection (one-to-many), Playlist.trackCollection (many-to-many)
 * ```
 */
export async function automap(bind: object, options: AutomapReflectOptions = {}): Promise<AutomapResult> {
  const { metadata: given, only, schema, ...rest } = options;
  const metadata = given ?? new MetaData();
  await metadata.reflect(bind, { ...(only === undefined ? {} : { only }), ...(schema === undefined ? {} : { schema }) });
  return automapMetaData(metadata, rest);
}
