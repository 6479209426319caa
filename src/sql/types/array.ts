/**
 * `ARRAY`: PostgreSQL arrays of any other type.
 *
 * @module
 */
import { DataError } from "../../errors/index.js";
import { reject } from "./sqltypes.js";
import { TypeEngine, type ValueProcessor } from "./type-api.js";

/** A type instance, or a type class whose constructor needs no argument. */
export type TypeArgument<T> = TypeEngine<T> | (new () => TypeEngine<T>);

/**
 * A PostgreSQL array of `itemType`; values are JavaScript arrays of the item
 * values (`ARRAY(Integer)` reads `number[]`). Nest it for more dimensions:
 * `new ARRAY(new ARRAY(Integer))` is `INTEGER[][]` and reads `number[][]`.
 * Items go through the item type's own conversions; `null` items stay `null`.
 * Other databases have no array type: creating such a column there is a
 * compile error.
 */
export class ARRAY<T> extends TypeEngine<T[]> {
  readonly typeName: string;
  readonly visitName: string = "array";
  readonly itemType: TypeEngine<T>;

  constructor(itemType: TypeArgument<T>) {
    super();
    this.itemType = typeof itemType === "function" ? new itemType() : itemType;
    this.typeName = `ARRAY(${this.itemType.typeName})`;
  }

  override bindProcessor(): ValueProcessor<T[], unknown> {
    const item = this.itemType.bindProcessor();
    return (value: unknown) => {
      if (!Array.isArray(value)) reject(this.typeName, value, "expected an array");
      return item === undefined ? value : value.map((v: T | null) => (v === null ? null : item(v)));
    };
  }

  override resultProcessor(driverType?: string): ValueProcessor<unknown, T[]> {
    // Elements of an array the driver parsed are already the element type's driver values.
    const item = this.itemType.resultProcessor(driverType?.endsWith("[]") ? driverType.slice(0, -2) : undefined);
    return (value) => {
      const array = typeof value === "string" ? parseArrayLiteral(value) : value;
      if (!Array.isArray(array)) throw new DataError(`Cannot read ${typeof value} as ${this.typeName}.`);
      return item === undefined ? (array as T[]) : (mapChanged(array, item) as T[]);
    };
  }
}

/**
 * `array` with `item` applied to each non-null element; the same array when no
 * element changes (strings read as strings), so most reads allocate nothing.
 */
function mapChanged(array: readonly unknown[], item: ValueProcessor<unknown, unknown>): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const value = array[i];
    if (value === null) continue;
    const converted = item(value);
    if (converted !== value) (out ??= array.slice())[i] = converted;
  }
  return out ?? array;
}

/**
 * Reads PostgreSQL's text form of an array (`{1,2,NULL}`, `{"a b","c\"d"}`,
 * `{{1,2},{3,4}}`, `[0:1]={1,2}`) into nested arrays of strings and nulls.
 * Drivers parse the arrays of built-in types themselves; this covers arrays
 * of types they do not know, such as enums.
 */
export function parseArrayLiteral(text: string): unknown[] {
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const fail = (): never => {
    throw new DataError(`Cannot read ${globalThis.JSON.stringify(text.slice(0, 60))} as a PostgreSQL array.`);
  };
  const parseLevel = (): unknown[] => {
    if (text[i] !== "{") fail();
    i++;
    const out: unknown[] = [];
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === "{") out.push(parseLevel());
      else if (text[i] === '"') out.push(readQuoted());
      else out.push(readBare());
      const sep = text[i++];
      if (sep === "}") return out;
      if (sep !== ",") fail();
    }
  };
  const readQuoted = (): string => {
    let s = "";
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (c === "\\") s += text[++i] ?? "";
      else if (c === '"') {
        i++;
        return s;
      } else s += c;
    }
    return fail();
  };
  const readBare = (): string | null => {
    const start = i;
    while (i < text.length && text[i] !== "," && text[i] !== "}") i++;
    const s = text.slice(start, i).trim();
    return s === "NULL" ? null : s;
  };
  const result = parseLevel();
  if (i !== text.length) fail();
  return result;
}
