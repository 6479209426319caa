/**
 * Sequences and identity columns.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import type { MetaData } from "./metadata.js";

/** The numbering options shared by sequences and identity columns. */
export interface SequenceNumbering {
  /** The first value. */
  readonly start?: number | bigint;
  /** The step between values (negative to count down). */
  readonly increment?: number | bigint;
  readonly minValue?: number | bigint;
  readonly maxValue?: number | bigint;
  /** Start again at the minimum after the maximum. */
  readonly cycle?: boolean;
  /** How many values the database pre-allocates. */
  readonly cache?: number;
}

/** Options of an identity column (`identity: { always: true, start: 100 }`). */
export interface IdentityOptions extends SequenceNumbering {
  /**
   * PostgreSQL's `GENERATED ALWAYS AS IDENTITY`: an INSERT may not give the
   * value. The default is `BY DEFAULT` (a given value wins).
   */
  readonly always?: boolean;
}

/** Options of {@link Sequence}. */
export interface SequenceOptions extends SequenceNumbering {
  /** The schema (default: the MetaData's schema, or the database's default schema). */
  readonly schema?: string;
  /** Registers the sequence with this MetaData, so `createAll` creates it even when no column uses it. */
  readonly metadata?: MetaData;
}

/**
 * A named sequence. On PostgreSQL and MariaDB `createAll` creates it before the
 * tables, and a column with `sequence: seq` takes its default from it. SQLite
 * and MySQL have no sequences: there the column falls back to
 * autoincrement when it is the integer primary key.
 *
 * @example
 * ```ts
 * const orderNumbers = new Sequence("order_numbers", { start: 1000 });
 * const orders = new Table("orders", metadata, {
 *   id: column(Integer, { primaryKey: true, sequence: orderNumbers }),
 * });
 * ```
 */
export class Sequence {
  readonly name: string;
  readonly options: SequenceOptions;

  constructor(name: string, options: SequenceOptions = {}) {
    if (typeof name !== "string" || name.length === 0) throw new ArgumentError("A sequence needs a non-empty name.");
    this.name = name;
    this.options = Object.freeze({ ...options });
    options.metadata?._addSequence(this);
  }

  /** The schema given in the options. */
  get schema(): string | undefined {
    return this.options.schema ?? this.options.metadata?.schema;
  }

  toString(): string {
    return this.schema === undefined ? this.name : `${this.schema}.${this.name}`;
  }
}
