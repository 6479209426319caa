/**
 * The SQL expression language: statement nodes, types and the base compiler.
 *
 * @module
 */
export { TypeEngine, NullType, passesKind, passesUnchanged, type DriverValueKind, type TypeOf, type ValueProcessor } from "./types/type-api.js";
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
  JSONB,
  Interval,
  UUID,
  parseTimestamp,
  type DateTimeOptions,
} from "./types/sqltypes.js";
export { Enum, type EnumOptions } from "./types/enum.js";
export { ARRAY, parseArrayLiteral, type TypeArgument } from "./types/array.js";
export { TypeDecorator, UserDefinedType } from "./types/type-decorator.js";
export {
  TypeCompiler,
  type TypeCompileContext,
  type TypeCompilerHost,
  type BuiltinTypeName,
} from "./types/type-compiler.js";
export { TextClause, text, type Executable, type Returns, type RowOf, type ScalarOf } from "./elements/text.js";
export {
  ClauseElement,
  ColumnElement,
  BindParameter,
  LiteralColumn,
  NullElement,
  BooleanLiteral,
  BinaryExpression,
  LikeExpression,
  InExpression,
  UnaryExpression,
  OrderByExpression,
  ClauseList,
  BooleanClauseList,
  Tuple,
  Grouping,
  Label,
  Cast,
  TypeCoerce,
  Case,
  FunctionCall,
  Over,
  NULL,
  and,
  or,
  not,
  literal,
  bindparam,
  literalColumn,
  null_,
  true_,
  false_,
  cast,
  typeCoerce,
  tuple,
  distinct,
  grouping,
  case_,
  coerce,
  toType,
  type AnyColumn,
  type CompileOptions,
  type CompiledStatement,
  type ExpressionOrValue,
  type WindowSpec,
  type CaseOptions,
} from "./elements/expressions.js";
export {
  ColumnClause,
  FromClause,
  TableClause,
  Alias,
  Join,
  Subquery,
  CTE,
  table,
  column,
  aliased,
  type AnyColumnClause,
  type ColumnCollection,
  type RowOfColumns,
  type RebindColumns,
  type ColumnsFromTypes,
  type SelectLike,
} from "./elements/from-clause.js";
export { Values, values, type ValuesColumns, type ValuesRow } from "./elements/values.js";
export {
  Select,
  CompoundSelect,
  ScalarSelect,
  Exists,
  LabelReference,
  select,
  exists,
  type SelectItem,
  type SelectRow,
  type SelectScalar,
  type ForUpdateOptions,
  type OrderItem,
  type SubqueryColumns,
} from "./elements/select.js";
export {
  Insert,
  Update,
  Delete,
  Excluded,
  ExcludedColumn,
  insert,
  update,
  delete_,
  deleteFrom,
  type InsertValues,
  type Assignments,
  type UpdateValues,
  type DMLValue,
  type NoRows,
  type ConflictTarget,
  type OnConflict,
  type OnConflictDoNothingOptions,
  type OnConflictDoUpdateOptions,
} from "./elements/dml.js";
export { func, type Functions } from "./functions.js";
export { SQLCompiler, registerVisitor, gatherKeyValues, keyGatherOf, type CompiledSQL, type CompileState, type KeyGather } from "./compiler/compiler.js";
export { scanText, type TextPart } from "./compiler/text-scanner.js";
export { statementKey, type StatementKey } from "./compiler/cache-key.js";
export { registerCompiler, compilerFor, type StatementCompiler } from "./compiler/registry.js";
export { CompileError } from "../errors/index.js";
