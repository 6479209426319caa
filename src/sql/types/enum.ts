/**
 * `Enum`: a column restricted to a fixed list of strings, typed as their union.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import { reject } from "./sqltypes.js";
import { TypeEngine, type ValueProcessor } from "./type-api.js";

/** Options of {@link Enum}. */
export interface EnumOptions {
  /**
   * The type's name. PostgreSQL's native enum is a named type (`CREATE TYPE
   * name AS ENUM (...)`) and needs it; elsewhere it names the CHECK constraint
   * of the non-native form.
   */
  name?: string;
  /** The schema of PostgreSQL's named type (default: the schema of the table using it). */
  schema?: string;
  /**
   * `false` stores the values as VARCHAR with a CHECK constraint on every
   * database, even those with a native enum (PostgreSQL, MySQL). Default `true`;
   * SQLite has no native enum and always uses the VARCHAR form.
   */
  native?: boolean;
  /** The VARCHAR length of the non-native form (default: the longest value). */
  length?: number;
}

/**
 * A string restricted to `values`, typed as their union: native on PostgreSQL
 * (a named `CREATE TYPE ... AS ENUM`, created and dropped with the tables by
 * `createAll`/`dropAll`) and MySQL (`ENUM(...)`), a VARCHAR with a CHECK
 * constraint on SQLite. Binding a value outside the list is a `DataError`.
 *
 * @example
 * ```ts
 * const status = new Enum(["draft", "published"], { name: "post_status" });
 * // a column of this type reads and writes "draft" | "published"
 * ```
 */
export class Enum<const V extends string = string> extends TypeEngine<V> {
  readonly typeName: string;
  readonly visitName: string = "enum";
  /** The allowed values, in declaration order (PostgreSQL sorts by it). */
  readonly values: readonly V[];
  readonly name: string | undefined;
  readonly schema: string | undefined;
  readonly native: boolean;
  /** The VARCHAR length of the non-native form. */
  readonly length: number;

  constructor(values: readonly V[], options: EnumOptions = {}) {
    super();
    if (!Array.isArray(values) || values.length === 0) throw new ArgumentError("An Enum needs at least one value.");
    for (const value of values) {
      if (typeof value !== "string") throw new ArgumentError(`Enum values must be strings, got ${typeof value}.`);
    }
    if (new Set(values).size !== values.length) throw new ArgumentError(`Enum values must be unique: ${values.join(", ")}.`);
    if (options.name !== undefined && options.name.length === 0) throw new ArgumentError("An Enum name cannot be empty.");
    this.values = Object.freeze([...values]);
    this.name = options.name;
    this.schema = options.schema;
    this.native = options.native ?? true;
    this.length = options.length ?? Math.max(...values.map((v) => v.length));
    if (this.length < Math.max(...values.map((v) => v.length))) {
      throw new ArgumentError(`Enum length ${this.length} is shorter than its longest value.`);
    }
    this.typeName = `Enum(${values.map((v) => globalThis.JSON.stringify(v)).join(", ")})`;
  }

  override bindProcessor(): ValueProcessor<V, unknown> {
    const allowed = new Set<string>(this.values);
    return (value: unknown) => {
      if (typeof value !== "string" || !allowed.has(value)) reject(this.typeName, value, `expected one of ${this.values.join(", ")}`);
      return value;
    };
  }

  override resultProcessor(): ValueProcessor<unknown, V> {
    return (value) => globalThis.String(value) as V;
  }
}
