import { CompileError, TypeCompiler, type ARRAY, type DateTime, type Enum, type TypeCompileContext } from "../../sql/index.js";

/**
 * PostgreSQL type names: DOUBLE PRECISION, BYTEA, TIMESTAMP WITH TIME ZONE,
 * JSONB, UUID, INTERVAL, arrays, and enums as named types.
 */
export class PostgresTypeCompiler extends TypeCompiler {
  override readonly dialectName: string = "postgresql";

  override enumIsNative(type: Enum): boolean {
    return type.native;
  }
  override visitFloat(): string {
    return "DOUBLE PRECISION";
  }
  override visitLargeBinary(): string {
    return "BYTEA";
  }
  override visitDateTime(type: DateTime): string {
    return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
  }
  override visitJSONB(): string {
    return "JSONB";
  }
  override visitUUID(): string {
    return "UUID";
  }
  override visitInterval(): string {
    return "INTERVAL";
  }
  override visitArray(type: ARRAY<unknown>, context: TypeCompileContext): string {
    return `${this.process(type.itemType, context)}[]`;
  }
  /** The named type (`CREATE TYPE ... AS ENUM`), in the Enum's schema or the table's. */
  override visitEnum(type: Enum, context: TypeCompileContext): string {
    if (!type.native) return super.visitEnum(type, context);
    if (type.name === undefined) throw new CompileError('A PostgreSQL enum needs a name: new Enum([...], { name: "my_enum" }).');
    const schema = type.schema ?? context.schema;
    const name = this.host.quoteIdentifier(type.name);
    return schema === undefined ? name : `${this.host.quoteIdentifier(schema)}.${name}`;
  }
}
