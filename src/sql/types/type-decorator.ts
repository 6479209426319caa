/**
 * User-defined types: {@link TypeDecorator} wraps an existing type with
 * conversions of its own; {@link UserDefinedType} names a SQL type Athanor
 * does not know.
 *
 * @module
 */
import { TypeEngine, type TypeOf, type ValueProcessor } from "./type-api.js";

/**
 * A user type stored as an existing type (`impl`), with conversions between
 * the application value `T` and the impl's value. The DDL uses the impl's SQL
 * type (or {@link implFor}'s, per dialect).
 *
 * @example
 * ```ts
 * class Cents extends TypeDecorator<number, Integer> {
 *   readonly impl = new Integer();
 *   override processBindParam(euros: number): number { return Math.round(euros * 100); }
 *   override processResultValue(cents: number): number { return cents / 100; }
 * }
 * const price = column(new Cents(), { nullable: false }); // values are number (euros)
 * ```
 */
export abstract class TypeDecorator<T, Impl extends TypeEngine = TypeEngine> extends TypeEngine<T> {
  readonly visitName: string = "type_decorator";
  /** The type the values are stored as. */
  abstract readonly impl: Impl;

  get typeName(): string {
    return `${this.constructor.name}(${this.impl.typeName})`;
  }

  /** The stored type on one dialect (`postgresql`, `sqlite`, `mysql`, `mariadb`); the impl by default. */
  implFor(_dialectName: string): TypeEngine {
    return this.impl;
  }

  /** Converts an application value into the impl's value before it is bound. Never called with `null`. */
  processBindParam(value: T): TypeOf<Impl> {
    return value as unknown as TypeOf<Impl>;
  }

  /** Converts the impl's value read from the database into the application value. Never called with `null`. */
  processResultValue(value: TypeOf<Impl>): T {
    return value as unknown as T;
  }

  override bindProcessor(): ValueProcessor<T, unknown> {
    const inner = this.impl.bindProcessor() as ValueProcessor<unknown, unknown> | undefined;
    return (value) => {
      const stored = this.processBindParam(value) as unknown;
      return inner === undefined || stored === null ? stored : inner(stored);
    };
  }

  override resultProcessor(driverType?: string): ValueProcessor<unknown, T> {
    const inner = this.impl.resultProcessor(driverType) as ValueProcessor<unknown, unknown> | undefined;
    return (value) => this.processResultValue((inner === undefined ? value : inner(value)) as TypeOf<Impl>);
  }
}

/**
 * A SQL type Athanor has no class for (`CITEXT`, `VECTOR(3)`, `INET`): you
 * give its SQL text per dialect; values pass through the driver unchanged
 * unless you override the processors.
 *
 * @example
 * ```ts
 * class CIText extends UserDefinedType<string> {
 *   columnSpec(): string { return "CITEXT"; }
 * }
 * ```
 */
export abstract class UserDefinedType<T = unknown> extends TypeEngine<T> {
  readonly visitName: string = "user_defined";

  get typeName(): string {
    return this.constructor.name;
  }

  /** The SQL type text for a dialect (`postgresql`, `sqlite`, `mysql`, `mariadb`). */
  abstract columnSpec(dialectName: string): string;
}
