import { ArgumentError } from "../../errors/index.js";
import type { TypeEngine, TypeOf } from "../types/type-api.js";

/** Something the engine can execute: a statement node the compiler knows. */
export interface Executable {
  /** The node kind, used by the compiler's dispatch table. */
  readonly kind: string;
  /**
   * A string identifying the statement's shape (everything but bound values),
   * or `undefined` when it must not be cached.
   */
  readonly cacheKey: string | undefined;
}

/** Phantom carrier of a statement's row type. */
export interface Returns<Row> {
  /** Phantom: the type of one result row. Never set at run time. */
  readonly _row?: Row;
}

/** The row type of an executable statement. */
export type RowOf<S> = S extends Returns<infer R> ? R : Record<string, unknown>;

/** The type of the first column of a statement's rows (what `scalar()` gives). */
export type ScalarOf<S> = S extends { readonly _scalar: infer X } ? X : RowOf<S>[keyof RowOf<S>];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Literal SQL with named parameters written `:name`. Values always travel as
 * bound parameters; the compiler turns each `:name` into the driver's
 * placeholder (`$1` or `?`). Write `\:` for a literal colon; `::` (a
 * PostgreSQL cast) and colons inside quoted strings, quoted identifiers and
 * comments are left alone.
 *
 * Immutable: {@link bindparams} and {@link columns} return new clauses.
 */
export class TextClause<Row = Record<string, unknown>> implements Executable, Returns<Row> {
  readonly kind = "text";
  declare readonly _row?: Row;

  constructor(
    /** The SQL text as written. */
    readonly text: string,
    /** Values bound when the clause was built; values given at execution win. */
    readonly boundValues: Readonly<Record<string, unknown>> = {},
    /** Types of the result columns, by name, for value conversion. */
    readonly columnTypes: Readonly<Record<string, TypeEngine>> | undefined = undefined,
    /** Types of the parameters, by name, for value conversion before binding. */
    readonly bindTypes: Readonly<Record<string, TypeEngine>> = {},
  ) {
    Object.freeze(this);
  }

  get cacheKey(): string {
    return `text\u0000${this.text}`;
  }

  /** Returns a copy with values (and optionally types) fixed for some parameters. */
  bindparams(values: Readonly<Record<string, unknown>>, types: Readonly<Record<string, TypeEngine>> = {}): TextClause<Row> {
    for (const name of [...Object.keys(values), ...Object.keys(types)]) {
      if (!NAME.test(name)) throw new ArgumentError(`Invalid bind parameter name ${JSON.stringify(name)}.`);
    }
    return new TextClause(this.text, { ...this.boundValues, ...values }, this.columnTypes, { ...this.bindTypes, ...types });
  }

  /**
   * Declares the result columns and their types: values are converted to the
   * types' JavaScript representation and the rows are typed accordingly.
   *
   * @example
   * ```ts
   * const stmt = text("select id, active from users").columns({ id: new Integer(), active: new Boolean() });
   * const rows = (await conn.execute(stmt)).all(); // { id: number; active: boolean }[]
   * ```
   */
  columns<C extends Readonly<Record<string, TypeEngine>>>(types: C): TextClause<{ [K in keyof C]: TypeOf<C[K]> }> {
    return new TextClause(this.text, this.boundValues, { ...(this.columnTypes ?? {}), ...types }, this.bindTypes);
  }
}

/**
 * Creates a {@link TextClause}.
 *
 * @example
 * ```ts
 * await conn.execute(text("select * from users where id = :id"), { id: 5 });
 * ```
 */
export function text<Row = Record<string, unknown>>(sql: string): TextClause<Row> {
  if (typeof sql !== "string") throw new ArgumentError(`text() expects a SQL string, got ${typeof sql}.`);
  return new TextClause<Row>(sql);
}
