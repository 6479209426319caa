/**
 * PostgreSQL's JSON operators, for `json`/`jsonb` columns: element access by
 * key or index (`->`, `->>`), by path (chained), containment (`@>`) and key
 * tests (`?`). Keys, indexes and documents are bound parameters, cast so
 * PostgreSQL knows their type.
 *
 * @example
 * ```ts
 * select(docs.c.id).where(jsonGetText(docs.c.body, "status").eq("open"), jsonContains(docs.c.body, { tags: ["a"] }));
 * ```
 *
 * @module
 */
import {
  BinaryExpression,
  Boolean as BooleanType,
  Cast,
  BindParameter,
  Integer,
  JSONB,
  NullType,
  String as StringType,
  type ColumnElement,
  type TypeEngine,
} from "../../sql/index.js";

/** A JSON document or one of its elements. */
export type JSONExpression = ColumnElement<unknown, string>;

const TEXT = new StringType();
const BOOLEAN = new BooleanType();

function keyParam(key: string | number): ColumnElement<unknown, string> {
  if (typeof key === "number") {
    if (!Number.isSafeInteger(key)) throw new RangeError(`A JSON array index must be an integer, got ${key}.`);
    return new Cast(new BindParameter(key, new Integer()), new Integer()) as ColumnElement<unknown, string>;
  }
  return new Cast(new BindParameter(key, TEXT), TEXT) as ColumnElement<unknown, string>;
}

/** `doc -> key`: an element as JSON (an object key, or an array index). */
export function jsonGet(document: JSONExpression, key: string | number): BinaryExpression<unknown> {
  return new BinaryExpression(document, "->", keyParam(key), new NullType() as TypeEngine<unknown>);
}

/** `doc ->> key`: an element as text (`null` when missing). */
export function jsonGetText(document: JSONExpression, key: string | number): BinaryExpression<string | null> {
  return new BinaryExpression(document, "->>", keyParam(key), TEXT as TypeEngine<string | null>);
}

/** The element at a path, as JSON: `doc -> 'a' -> 0 -> 'b'` (the same as `#>`). */
export function jsonPath(document: JSONExpression, path: readonly (string | number)[]): JSONExpression {
  return path.reduce<JSONExpression>((doc, key) => jsonGet(doc, key), document);
}

/** The element at a path, as text: `doc -> 'a' ->> 'b'` (the same as `#>>`). */
export function jsonPathText(document: JSONExpression, path: readonly (string | number)[]): ColumnElement<string | null, string> {
  if (path.length === 0) throw new RangeError("jsonPathText needs at least one key.");
  const last = path[path.length - 1] as string | number;
  return jsonGetText(jsonPath(document, path.slice(0, -1)), last);
}

/** `doc @> value`: the document contains this JSON value (JSONB). */
export function jsonContains(document: JSONExpression, value: unknown): BinaryExpression<boolean> {
  const jsonb = new JSONB();
  return new BinaryExpression(document, "@>", new Cast(new BindParameter(value, jsonb), jsonb), BOOLEAN);
}

/** `doc ? key`: the object has this top-level key (JSONB). */
export function jsonHasKey(document: JSONExpression, key: string): BinaryExpression<boolean> {
  return new BinaryExpression(document, "?", new BindParameter(key, TEXT), BOOLEAN);
}
