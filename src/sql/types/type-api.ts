/**
 * The base of every SQL type. A type carries the TypeScript type of its values
 * (as a phantom) and the conversions between JavaScript values and the values
 * a driver sends and receives.
 *
 * @module
 */

/**
 * Converts a value on its way to or from the driver. Never called with `null`.
 * Written as a method type so its parameter is bivariant: a `TypeEngine<number>`
 * can then stand where any `TypeEngine` is expected.
 */
export type ValueProcessor<In, Out> = { process(value: In): Out }["process"];

/** The JavaScript kind of every non-null value a driver returns for a column, when the driver guarantees one. */
export type DriverValueKind = "string" | "number";

const PASSES: unique symbol = Symbol("athanor.passes");

/**
 * Marks a result processor that returns every value of JavaScript kind `kind`
 * unchanged (it only converts other kinds): for a column whose driver
 * guarantees that kind, the result skips calling it. A custom type's
 * `resultProcessor` may use it the same way the built-in String and Integer do.
 *
 * @example
 * const readText = passesKind("string", (v: unknown) => (typeof v === "string" ? v : String(v)));
 */
export function passesKind<P extends ValueProcessor<unknown, unknown>>(kind: DriverValueKind, processor: P): P {
  Object.defineProperty(processor, PASSES, { value: kind });
  return processor;
}

/** Whether `processor` returns values of `kind` unchanged (see {@link passesKind}). */
export function passesUnchanged(processor: ValueProcessor<unknown, unknown>, kind: DriverValueKind | undefined): boolean {
  return kind !== undefined && (processor as { [PASSES]?: DriverValueKind })[PASSES] === kind;
}

/** A SQL type whose values are `T` in TypeScript. */
export abstract class TypeEngine<T = unknown> {
  /** Phantom: the TypeScript type of the values. Never set at run time. */
  declare readonly _tsType: T;
  /** The type's name as shown in error messages (`Integer`, `Numeric(10, 2)`). */
  abstract readonly typeName: string;
  /**
   * A stable discriminator of the type's kind (`integer`, `string`, `enum`,
   * ...), used by type compilers to pick the SQL type text. It survives
   * duplicate package copies where `instanceof` would not; a subclass that
   * renders differently declares its own.
   */
  abstract readonly visitName: string;

  /** The conversion applied to a non-null value before it is bound, if any. */
  bindProcessor(): ValueProcessor<T, unknown> | undefined {
    return undefined;
  }

  /**
   * The conversion applied to a non-null value read from the driver, if any.
   * `driverType` is the column type the driver reported (`jsonb`, `tinyint(1)`,
   * ...), when it reported one: a type may skip work the driver already did.
   */
  resultProcessor(_driverType?: string): ValueProcessor<unknown, T> | undefined {
    return undefined;
  }

  toString(): string {
    return this.typeName;
  }
}

/** The TypeScript type carried by a SQL type. */
export type TypeOf<X> = X extends TypeEngine<infer T> ? T : never;

/** A type that knows nothing: values pass through unchanged. */
export class NullType extends TypeEngine<unknown> {
  readonly typeName: string = "NullType";
  readonly visitName: string = "null";
}
