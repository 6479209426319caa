/**
 * `MetaData`: a collection of tables (and sequences) that are created and
 * dropped together, with a default schema and a naming convention.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import { createTables, dropTables, type CreateDropOptions, type DDLTarget } from "./create-drop.js";
import { DEFAULT_NAMING_CONVENTION, validateConvention, type NamingConvention } from "./naming.js";
import { runReflector, type ReflectOptions } from "./reflect-hook.js";
import type { Sequence } from "./sequence.js";
import { sortTablesAndConstraints, type TableOrder } from "./sorted-tables.js";
import type { AnyTable } from "./table.js";

/** Options of {@link MetaData}. */
export interface MetaDataOptions {
  /** The schema of tables that name none. */
  readonly schema?: string;
  /**
   * Names for constraints and indexes not named explicitly, per kind. Merged
   * over the default `{ ix: "ix_{table}_{columns}" }`.
   */
  readonly namingConvention?: NamingConvention;
}

/**
 * A collection of tables. Tables register themselves when made
 * (`new Table("users", metadata, {...})`); foreign keys written as strings
 * (`"users.id"`) are looked up here.
 *
 * @example
 * ```ts
 * const metadata = new MetaData({ namingConvention: { fk: "fk_{table}_{columns}_{referredTable}" } });
 * // ... tables ...
 * await engine.begin((conn) => metadata.createAll(conn));
 * ```
 */
export class MetaData {
  readonly schema: string | undefined;
  readonly namingConvention: NamingConvention;
  readonly #tables = new Map<string, AnyTable>();
  readonly #sequences = new Map<string, Sequence>();

  constructor(options: MetaDataOptions = {}) {
    if (options.schema !== undefined && options.schema.length === 0) throw new ArgumentError("A MetaData schema cannot be empty.");
    this.schema = options.schema;
    const convention = { ...DEFAULT_NAMING_CONVENTION, ...(options.namingConvention ?? {}) };
    validateConvention(convention);
    this.namingConvention = Object.freeze(convention);
  }

  /** The tables by key (`name`, or `schema.name`), in the order they were made. */
  get tables(): ReadonlyMap<string, AnyTable> {
    return this.#tables;
  }

  /** The sequences registered with `new Sequence(name, { metadata })`, by name. */
  get sequences(): ReadonlyMap<string, Sequence> {
    return this.#sequences;
  }

  /**
   * The tables in foreign key order: each after the tables it refers to, so
   * creating them in this order (and dropping them in reverse) works. Tables in
   * a cycle come out in declaration order; see {@link sortTablesAndConstraints}.
   */
  get sortedTables(): AnyTable[] {
    return sortTablesAndConstraints([...this.#tables.values()]).tables;
  }

  /** The tables in foreign key order, with the foreign keys that must be added after the tables (cycles, `useAlter`). */
  sortTablesAndConstraints(): TableOrder {
    return sortTablesAndConstraints([...this.#tables.values()]);
  }

  /**
   * Creates the tables (with their enum types, sequences, indexes and comments)
   * in foreign key order. With `checkFirst` (the default) existing tables are
   * left alone. Given an engine, it runs in a transaction of its own.
   */
  async createAll(target: DDLTarget, options: CreateDropOptions = {}): Promise<void> {
    await createTables(this, target, options);
  }

  /** Drops the tables in reverse foreign key order; with `checkFirst` (the default) missing tables are skipped. */
  async dropAll(target: DDLTarget, options: CreateDropOptions = {}): Promise<void> {
    await dropTables(this, target, options);
  }

  /** Forgets a table (nothing happens in the database). */
  remove(table: AnyTable): void {
    if (this.#tables.get(table.key) === table) this.#tables.delete(table.key);
  }

  /** Forgets every table and sequence. */
  clear(): void {
    this.#tables.clear();
    this.#sequences.clear();
  }

  /**
   * Reads tables from the database into this MetaData: every table of the
   * schema, or `only` these (plus the tables their foreign keys refer to).
   * Tables already present are kept as they are. `bind` is an Engine or a
   * Connection. Returns the tables, by key.
   */
  async reflect(bind: object, options: ReflectOptions = {}): Promise<ReadonlyMap<string, AnyTable>> {
    await runReflector(this, bind, options);
    return this.tables;
  }

  /** @internal Called by the Table constructor. */
  _addTable(table: AnyTable): void {
    if (this.#tables.has(table.key)) {
      throw new ArgumentError(`Table ${table.key} is already defined in this MetaData; use the existing table, or remove() it first.`);
    }
    this.#tables.set(table.key, table);
  }

  /** @internal Called by the Sequence constructor. */
  _addSequence(sequence: Sequence): void {
    const key = sequence.toString();
    const known = this.#sequences.get(key);
    if (known !== undefined && known !== sequence) throw new ArgumentError(`Sequence ${key} is already defined in this MetaData.`);
    this.#sequences.set(key, sequence);
  }
}
