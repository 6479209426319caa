import { TypeCompiler } from "../../sql/index.js";

/**
 * SQLite type names, chosen for their affinity and for what the driver
 * adapter recognises when reading (BOOLEAN, BIGINT, DATETIME, NUMERIC): REAL
 * for floats, BLOB for bytes, DATETIME for timestamps, TEXT for JSON, VARCHAR
 * for enums.
 */
export class SQLiteTypeCompiler extends TypeCompiler {
  override readonly dialectName: string = "sqlite";

  override visitFloat(): string {
    return "REAL";
  }
  override visitDateTime(): string {
    return "DATETIME";
  }
  /**
   * JSON is stored as TEXT: SQLite's JSON functions work on text, TEXT affinity
   * keeps the document exactly as written (a column declared JSON would have
   * NUMERIC affinity), and the JSON type parses it when read.
   */
  override visitJSON(): string {
    return "TEXT";
  }
}
