import { inspect } from "node:util";

/** The members every row has; their names start with `_` so they never hide a column. */
export interface RowBase<T> extends Iterable<unknown> {
  /** The column names, in order. */
  readonly _fields: readonly string[];
  /** The values, in column order. */
  _tuple(): unknown[];
  /** A plain object from column name to value (the first column wins when two share a name). */
  _asObject(): T;
  /** Serialises as {@link _asObject}. */
  toJSON(): T;
}

/**
 * A result row: values by column name (`row.id`), by position (`row[0]`) and
 * by destructuring (`const [id, name] = row`).
 */
export type Row<T = Record<string, unknown>> = Readonly<T> & RowBase<T> & { readonly [index: number]: unknown };

/** Builds rows for one column layout. */
export type RowFactory = (values: unknown[]) => Row<Record<string, unknown>>;

const factories = new Map<string, RowFactory>();
const MAX_FACTORIES = 512;

/**
 * Returns the row factory for a column layout. The row class puts one getter
 * per column and per position on its prototype, so a row is a single small
 * object around the driver's value array.
 */
export function rowFactory(fields: readonly string[]): RowFactory {
  const key = fields.join("\u0000");
  let factory = factories.get(key);
  if (factory === undefined) {
    factory = buildFactory([...fields]);
    if (factories.size >= MAX_FACTORIES) factories.delete(factories.keys().next().value as string);
    factories.set(key, factory);
  }
  return factory;
}

function buildFactory(fields: string[]): RowFactory {
  const frozenFields = Object.freeze([...fields]);
  class ResultRow {
    constructor(readonly _values: unknown[]) {}
  }
  const proto = ResultRow.prototype as unknown as Record<PropertyKey, unknown>;
  const firstIndex = new Map<string, number>();
  fields.forEach((name, index) => {
    if (!firstIndex.has(name)) firstIndex.set(name, index);
    Object.defineProperty(proto, index, {
      get(this: ResultRow) {
        return this._values[index];
      },
      enumerable: false,
    });
  });
  for (const [name, index] of firstIndex) {
    if (name === "_values") continue;
    Object.defineProperty(proto, name, {
      get(this: ResultRow) {
        return this._values[index];
      },
      enumerable: true,
      configurable: true,
    });
  }
  const asObject = function (this: ResultRow): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, index] of firstIndex) out[name] = this._values[index];
    return out;
  };
  Object.defineProperties(proto, {
    _fields: { value: frozenFields },
    _tuple: {
      value(this: ResultRow) {
        return [...this._values];
      },
    },
    _asObject: { value: asObject },
    toJSON: { value: asObject },
    [Symbol.iterator]: {
      value(this: ResultRow) {
        return this._values[Symbol.iterator]();
      },
    },
    [inspect.custom]: {
      value(this: ResultRow, depth: number, options: object) {
        return `Row ${inspect(asObject.call(this), { ...options, depth })}`;
      },
    },
  });
  return (values) => new ResultRow(values) as unknown as Row<Record<string, unknown>>;
}
