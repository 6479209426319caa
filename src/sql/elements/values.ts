/**
 * `VALUES` as a FROM element: a small table of literal rows with typed, named
 * columns, as SQLAlchemy's `values()`. Every value travels as a bound
 * parameter of its column's type.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import { BindParameter, ClauseElement } from "./expressions.js";
import { ColumnClause, FromClause, type AnyColumnClause } from "./from-clause.js";

/** The columns of a VALUES element, keyed by name, each bound to the element named `TB`. */
export type ValuesColumns<Cols extends readonly AnyColumnClause[], TB extends string> = {
  readonly [C in Cols[number] as C["name"]]: ColumnClause<C["_type"], C["name"], TB>;
};

/** One row of data for columns `Cols`: a value (or null) per column, in column order. */
export type ValuesRow<Cols extends readonly AnyColumnClause[]> = { readonly [I in keyof Cols]: Cols[I]["_type"] | null };

/**
 * A `VALUES` list used as a FROM element. Build it with {@link values}, add
 * rows with {@link Values.data} and name it with `alias()`: the alias's `.c`
 * columns are typed from the columns given.
 *
 * Rendered per dialect: PostgreSQL `unnest($1::INTEGER[], ...) AS v (id, ...)` (one
 * array parameter per column; `(VALUES ($1::INTEGER, ...), ...)` when a column is an ARRAY),
 * SQLite a SELECT naming its `column1, column2...`, MySQL/MariaDB a
 * `SELECT ... UNION ALL SELECT ...` derived table.
 */
export class Values<Cols extends readonly AnyColumnClause[] = readonly AnyColumnClause[], TB extends string = string> extends FromClause<ValuesColumns<Cols, TB>, TB> {
  readonly kind = "values";
  readonly c: ValuesColumns<Cols, TB>;

  constructor(
    /** The column definitions (free-standing columns), in order. */
    readonly columnDefinitions: Cols,
    /** The rows: one bound parameter per column, typed with that column's type. */
    readonly rows: readonly (readonly BindParameter[])[],
  ) {
    super();
    if (columnDefinitions.length === 0) throw new ArgumentError("values() needs at least one column: values(column(\"id\", new Integer()), ...).");
    const names = new Set<string>();
    for (const col of columnDefinitions) {
      if (!(col instanceof ColumnClause)) throw new ArgumentError("values() takes columns made with column(name, type).");
      if (names.has(col.name)) throw new ArgumentError(`values(): the column name "${col.name}" is given twice.`);
      names.add(col.name);
    }
    this.c = Object.freeze(
      Object.fromEntries(columnDefinitions.map((col) => [col.name, new ColumnClause(col.name, col.type, this)])),
    ) as unknown as ValuesColumns<Cols, TB>;
    Object.freeze(this);
  }

  /**
   * A VALUES element with these rows added after the existing ones. Each row
   * gives one value per column, in column order; `null` is SQL NULL. A value
   * may also be a named `bindparam()` of the column's type, given at execution.
   */
  data(rows: readonly ValuesRow<Cols>[]): Values<Cols, TB> {
    const width = this.columnDefinitions.length;
    const added = rows.map((row, r) => {
      if (!Array.isArray(row) || row.length !== width) {
        throw new ArgumentError(`values().data(): row ${r} has ${Array.isArray(row) ? row.length : "no"} values; each row needs ${width} (one per column).`);
      }
      return Object.freeze(row.map((value: unknown, i) => this.#bind(value, i, r)));
    });
    return new Values<Cols, TB>(this.columnDefinitions, Object.freeze([...this.rows, ...added]));
  }

  #bind(value: unknown, column: number, row: number): BindParameter {
    const col = this.columnDefinitions[column] as AnyColumnClause;
    if (value === undefined) throw new ArgumentError(`values().data(): row ${row}, column "${col.name}" is undefined; use null for SQL NULL.`);
    if (value instanceof BindParameter && value.name !== undefined && value.value === undefined) return value;
    if (value instanceof ClauseElement) {
      throw new ArgumentError(`values().data(): row ${row}, column "${col.name}" is a SQL expression; VALUES rows hold plain values (or a named bindparam()).`);
    }
    return new BindParameter(value, col.type);
  }
}

/**
 * A `VALUES` list usable as a FROM element (in `select().from()`, joins, or as
 * the extra FROM of an UPDATE), as SQLAlchemy's `values()`.
 *
 * @example
 * ```ts
 * const v = values(column("id", new Integer()), column("price", new Numeric(10, 2)))
 *   .data([[1, "9.99"], [2, "3.50"]])
 *   .alias("v");
 * await conn.execute(update(book).values({ price: v.c.price }).where(book.c.id.eq(v.c.id)));
 * ```
 */
export function values<const Cols extends readonly AnyColumnClause[]>(...columns: Cols): Values<Cols, string> {
  return new Values<Cols, string>(columns, Object.freeze([]));
}
