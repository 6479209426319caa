/**
 * The type compiler: a SQL type object to the text a column definition uses
 * (`VARCHAR(50)`, `TIMESTAMP WITH TIME ZONE`). One `visitX` method per kind of
 * type, picked by the type's `visitName`; each dialect subclasses it and
 * overrides the methods whose SQL differs.
 *
 * @module
 */
import { CompileError } from "../../errors/index.js";
import type { ARRAY } from "./array.js";
import type { Enum } from "./enum.js";
import type { DateTime, Numeric, String as StringType } from "./sqltypes.js";
import type { TypeDecorator, UserDefinedType } from "./type-decorator.js";
import type { TypeEngine } from "./type-api.js";

/** Where a type is used: the schema of the table, for named types such as PostgreSQL enums. */
export interface TypeCompileContext {
  readonly schema?: string | undefined;
}

/** What the type compiler needs from its dialect: identifier and string quoting. */
export interface TypeCompilerHost {
  quoteIdentifier(name: string): string;
  /** A string literal, quoted and escaped for the dialect. */
  quoteString(value: string): string;
}

/** The built-in type kinds, by `visitName`. */
export type BuiltinTypeName =
  | "integer"
  | "small_integer"
  | "big_integer"
  | "float"
  | "numeric"
  | "boolean"
  | "string"
  | "text"
  | "large_binary"
  | "date"
  | "time"
  | "datetime"
  | "json"
  | "jsonb"
  | "uuid"
  | "enum"
  | "interval"
  | "array"
  | "type_decorator"
  | "user_defined"
  | "null";

type Visit = (compiler: TypeCompiler, type: TypeEngine, context: TypeCompileContext) => string;

// An exhaustive table: a new built-in type name without a method does not compile.
const VISITORS: Record<BuiltinTypeName, Visit> = {
  integer: (c) => c.visitInteger(),
  small_integer: (c) => c.visitSmallInteger(),
  big_integer: (c) => c.visitBigInteger(),
  float: (c) => c.visitFloat(),
  numeric: (c, t) => c.visitNumeric(t as Numeric),
  boolean: (c) => c.visitBoolean(),
  string: (c, t) => c.visitString(t as StringType),
  text: (c, t) => c.visitText(t as StringType),
  large_binary: (c) => c.visitLargeBinary(),
  date: (c) => c.visitDate(),
  time: (c) => c.visitTime(),
  datetime: (c, t) => c.visitDateTime(t as DateTime),
  json: (c) => c.visitJSON(),
  jsonb: (c) => c.visitJSONB(),
  uuid: (c) => c.visitUUID(),
  enum: (c, t, x) => c.visitEnum(t as Enum, x),
  interval: (c) => c.visitInterval(),
  array: (c, t, x) => c.visitArray(t as ARRAY<unknown>, x),
  type_decorator: (c, t, x) => c.process((t as TypeDecorator<unknown>).implFor(c.dialectName), x),
  user_defined: (c, t) => (t as UserDefinedType).columnSpec(c.dialectName),
  null: (_c, t) => {
    throw new CompileError(`${t.typeName} has no SQL type: give the column a type.`);
  },
};

/** Generic SQL type names; dialects override what differs. */
export class TypeCompiler {
  /** The dialect name passed to `TypeDecorator.implFor` and `UserDefinedType.columnSpec`. */
  readonly dialectName: string = "default";

  constructor(protected readonly host: TypeCompilerHost) {}

  /** The SQL text of a type. */
  process(type: TypeEngine, context: TypeCompileContext = {}): string {
    const visit = VISITORS[type.visitName as BuiltinTypeName] as Visit | undefined;
    if (visit === undefined) {
      throw new CompileError(
        `No SQL type is known for ${type.typeName} (visitName "${type.visitName}"). ` +
          "Subclass UserDefinedType (to give its SQL text) or TypeDecorator (to store it as another type).",
      );
    }
    return visit(this, type, context);
  }

  /** True when this dialect stores the enum natively; false means VARCHAR plus a CHECK constraint. */
  enumIsNative(_type: Enum): boolean {
    return false;
  }

  visitInteger(): string {
    return "INTEGER";
  }
  visitSmallInteger(): string {
    return "SMALLINT";
  }
  visitBigInteger(): string {
    return "BIGINT";
  }
  visitFloat(): string {
    return "FLOAT";
  }
  visitNumeric(type: Numeric): string {
    if (type.precision === undefined) return "NUMERIC";
    return type.scale === undefined ? `NUMERIC(${type.precision})` : `NUMERIC(${type.precision}, ${type.scale})`;
  }
  visitBoolean(): string {
    return "BOOLEAN";
  }
  visitString(type: StringType): string {
    return type.length === undefined ? "VARCHAR" : `VARCHAR(${type.length})`;
  }
  visitText(_type: StringType): string {
    return "TEXT";
  }
  visitLargeBinary(): string {
    return "BLOB";
  }
  visitDate(): string {
    return "DATE";
  }
  visitTime(): string {
    return "TIME";
  }
  visitDateTime(type: DateTime): string {
    return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
  }
  visitJSON(): string {
    return "JSON";
  }
  /** JSONB is PostgreSQL's; elsewhere it is the dialect's JSON type. */
  visitJSONB(): string {
    return this.visitJSON();
  }
  /** A UUID as its 36-character text where the database has no UUID type. */
  visitUUID(): string {
    return "CHAR(36)";
  }
  /** The non-native form: VARCHAR long enough for the longest value (the DDL compiler adds the CHECK). */
  visitEnum(type: Enum, _context: TypeCompileContext): string {
    return `VARCHAR(${type.length})`;
  }
  visitInterval(): string {
    return this.unsupported("Interval", "store a number of seconds (Integer) or text instead");
  }
  visitArray(_type: ARRAY<unknown>, _context: TypeCompileContext): string {
    return this.unsupported("ARRAY", "store the list as JSON instead");
  }

  /** Raises the error of a type this dialect cannot store. */
  protected unsupported(typeName: string, hint: string): never {
    throw new CompileError(`The ${this.dialectName} dialect has no ${typeName} type; ${hint}.`);
  }
}
