/**
 * `func`: SQL function calls. The common ones are typed; any other name works
 * too (`func.jsonb_build_object(...)`, `func.toChar(...)` renders `to_char`),
 * typed `unknown` unless given a type with `func.call`.
 *
 * @module
 */
import { DateTime, Integer, Numeric, String as StringType } from "./types/sqltypes.js";
import { NullType, type TypeEngine } from "./types/type-api.js";
import { FunctionCall, coerce, type AnyColumn, type ColumnElement, type ExpressionOrValue } from "./elements/expressions.js";

const INTEGER = new Integer();
const STRING = new StringType();
const NUMERIC = new Numeric();

/** The type of a function's argument: its own for an expression, none for a plain value (a cast or JavaScript caller). */
function typeOf(argument: unknown): TypeEngine<never> {
  const type = typeof argument === "object" && argument !== null ? (argument as { type?: unknown }).type : undefined;
  return (type ?? new NullType()) as TypeEngine<never>;
}

function call<T>(name: string, args: readonly unknown[], type: TypeEngine<T>): FunctionCall<T> {
  const first = args.find((a): a is AnyColumn => typeof a === "object" && a !== null && "type" in (a as object));
  const argType: TypeEngine<unknown> = typeOf(first);
  return new FunctionCall(name, args.map((a) => coerce(a, argType)), type);
}

/** A function of any name: bivariant so it fits the typed members. */
type AnyFunction = { call(...args: ExpressionOrValue<unknown>[]): FunctionCall<unknown> }["call"];

/** The typed functions of `func`. */
export interface Functions {
  /** `count(*)` or `count(expr)`: a number (PostgreSQL's bigint is converted). */
  count(expression?: AnyColumn): FunctionCall<number>;
  sum<T>(expression: ColumnElement<T, string>): FunctionCall<T | null>;
  /** `avg(expr)`: an exact decimal string (an integer column's average is not an integer). */
  avg(expression: AnyColumn): FunctionCall<string | null>;
  min<T>(expression: ColumnElement<T, string>): FunctionCall<T | null>;
  max<T>(expression: ColumnElement<T, string>): FunctionCall<T | null>;
  coalesce<T>(expression: ColumnElement<T, string>, ...fallbacks: ExpressionOrValue<NonNullable<T>>[]): FunctionCall<NonNullable<T>>;
  /** `lower(expr)`: `null` in, `null` out, so a nullable column gives `string | null`. */
  lower<T extends string | null>(expression: ColumnElement<T, string> | T): FunctionCall<T>;
  upper<T extends string | null>(expression: ColumnElement<T, string> | T): FunctionCall<T>;
  trim<T extends string | null>(expression: ColumnElement<T, string> | T): FunctionCall<T>;
  /** `length(expr)` in characters. */
  length<T extends string | null>(expression: ColumnElement<T, string> | T): FunctionCall<null extends T ? number | null : number>;
  abs<T>(expression: ColumnElement<T, string>): FunctionCall<T>;
  round<T>(expression: ColumnElement<T, string>, digits?: number): FunctionCall<T>;
  /** The current timestamp (`now()`, `CURRENT_TIMESTAMP` on SQLite). */
  now(): FunctionCall<Date>;
  rowNumber(): FunctionCall<number>;
  rank(): FunctionCall<number>;
  denseRank(): FunctionCall<number>;
  lag<T>(expression: ColumnElement<T, string>, offset?: number): FunctionCall<T | null>;
  lead<T>(expression: ColumnElement<T, string>, offset?: number): FunctionCall<T | null>;
  /** Any function with an explicit result type: `func.call("similarity", [a, b], new Float())`. */
  call<T>(name: string, args: readonly unknown[], type: TypeEngine<T>): FunctionCall<T>;
  [name: string]: AnyFunction;
}

const typed: Record<string, (...args: never[]) => FunctionCall<unknown>> = {
  count: (expression?: AnyColumn) => new FunctionCall("count", expression === undefined ? [] : [expression], INTEGER),
  sum: (e: AnyColumn) => call("sum", [e], typeOf(e)),
  avg: (e: AnyColumn) => call("avg", [e], NUMERIC),
  min: (e: AnyColumn) => call("min", [e], typeOf(e)),
  max: (e: AnyColumn) => call("max", [e], typeOf(e)),
  coalesce: (e: AnyColumn, ...rest: unknown[]) => call("coalesce", [e, ...rest], typeOf(e)),
  lower: (e: unknown) => call("lower", [e], STRING),
  upper: (e: unknown) => call("upper", [e], STRING),
  trim: (e: unknown) => call("trim", [e], STRING),
  length: (e: unknown) => call("length", [e], INTEGER),
  abs: (e: AnyColumn) => call("abs", [e], typeOf(e)),
  round: (e: AnyColumn, digits?: number) => call("round", digits === undefined ? [e] : [e, digits], typeOf(e)),
  now: () => new FunctionCall("now", [], new DateTime({ timezone: true })),
  rowNumber: () => new FunctionCall("row_number", [], INTEGER),
  rank: () => new FunctionCall("rank", [], INTEGER),
  denseRank: () => new FunctionCall("dense_rank", [], INTEGER),
  lag: (e: AnyColumn, offset?: number) => call("lag", offset === undefined ? [e] : [e, offset], typeOf(e)),
  lead: (e: AnyColumn, offset?: number) => call("lead", offset === undefined ? [e] : [e, offset], typeOf(e)),
  call: ((name: string, args: readonly unknown[], type: TypeEngine) => call(name, args, type)) as never,
};

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * SQL functions. `func.count()`, `func.max(t.c.x)`, `func.rowNumber().over({ orderBy: t.c.x })`,
 * or any function by name: `func.similarity(a, b)`.
 */
export const func: Functions = new Proxy(typed, {
  get(target, property) {
    if (typeof property !== "string") return undefined;
    const known = target[property];
    if (known !== undefined) return known;
    return (...args: unknown[]) => call(snakeCase(property), args, new NullType());
  },
}) as unknown as Functions;
