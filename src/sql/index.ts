/**
 * The SQL expression language: statement nodes, types and the base compiler.
 *
 * @module
 */
export { TypeEngine, NullType, type TypeOf, type ValueProcessor } from "./types/type-api.js";
export {
  Integer,
  SmallInteger,
  BigInteger,
  Float,
  Numeric,
  Boolean,
  String,
  Text,
  LargeBinary,
  Date,
  Time,
  DateTime,
  JSON,
  UUID,
  parseTimestamp,
  type DateTimeOptions,
} from "./types/sqltypes.js";
export { TextClause, text, type Executable, type Returns, type RowOf } from "./elements/text.js";
export { SQLCompiler, type CompiledSQL, type CompileState } from "./compiler/compiler.js";
export { scanText, type TextPart } from "./compiler/text-scanner.js";
