import { CompileError, TypeCompiler, type DateTime, type Enum, type Numeric, type String as StringType, type TypeCompileContext } from "../../sql/index.js";

/**
 * MySQL/MariaDB type names: DOUBLE for floats, TINYINT(1) for booleans,
 * DATETIME(6)/TIMESTAMP(6), LONGTEXT and LONGBLOB for unbounded text and bytes,
 * native ENUM(...), CHAR(36) for UUIDs.
 */
export class MySQLTypeCompiler extends TypeCompiler {
  override readonly dialectName: string = "mysql";

  override enumIsNative(type: Enum): boolean {
    return type.native;
  }
  override visitFloat(): string {
    return "DOUBLE";
  }
  /** MySQL has no unbounded DECIMAL (a bare DECIMAL is DECIMAL(10, 0)): the widest one is used instead. */
  override visitNumeric(type: Numeric): string {
    if (type.precision === undefined) return "DECIMAL(65, 30)";
    return type.scale === undefined ? `DECIMAL(${type.precision})` : `DECIMAL(${type.precision}, ${type.scale})`;
  }
  override visitBoolean(): string {
    return "TINYINT(1)";
  }
  override visitString(type: StringType): string {
    if (type.length === undefined) {
      throw new CompileError("MySQL needs a length for VARCHAR: use new String(255), or Text for unbounded text.");
    }
    return `VARCHAR(${type.length})`;
  }
  /** The smallest TEXT type holding the given length (in characters, counted as up to 4 bytes); LONGTEXT without one. */
  override visitText(type: StringType): string {
    const bytes = type.length === undefined ? Number.POSITIVE_INFINITY : type.length * 4;
    if (bytes <= 65_535) return "TEXT";
    if (bytes <= 16_777_215) return "MEDIUMTEXT";
    return "LONGTEXT";
  }
  override visitLargeBinary(): string {
    return "LONGBLOB";
  }
  /** DATETIME(6) / TIMESTAMP(6) unless the type gives its `precision` (0: plain DATETIME / TIMESTAMP). */
  override visitDateTime(type: DateTime): string {
    const name = type.timezone ? "TIMESTAMP" : "DATETIME";
    const precision = type.precision ?? 6;
    return precision === 0 ? name : `${name}(${precision})`;
  }
  override visitEnum(type: Enum, context: TypeCompileContext): string {
    if (!type.native) return super.visitEnum(type, context);
    return `ENUM(${type.values.map((v) => this.host.quoteString(v)).join(", ")})`;
  }
}

/** MariaDB names its dialect `mariadb` (for `TypeDecorator.implFor`). */
export class MariaDBTypeCompiler extends MySQLTypeCompiler {
  override readonly dialectName: string = "mariadb";
}
