/**
 * The engine layer: URLs, engines, connections, transactions and results.
 *
 * @module
 */
export { URL, makeUrl, type URLParts, type RenderOptions } from "./url.js";
export { createEngine } from "./create-engine.js";
export { Engine, type EngineOptions, type PoolClass } from "./engine.js";
export {
  Connection,
  Transaction,
  NestedTransaction,
  type Params,
  type StreamOptions,
  type ConnectionOptions,
} from "./connection.js";
export { Result, ScalarResult, StreamingResult } from "./result.js";
export { runWithRetry, type RetryOptions } from "./retry.js";
export type { Row, RowBase } from "./row.js";
export type { EngineEventMap, ErrorContext, ExecuteContext } from "./events.js";
export { logWarning, stdoutLogger, type Logger, type EchoLevel } from "./logger.js";
export { DefaultDialect } from "./default-dialect.js";
export { registerDialect, registeredDialects, importDriver, type DialectRegistration } from "./registry.js";
export type {
  Dialect,
  DialectCapabilities,
  DialectModule,
  DriverAdapter,
  DriverColumn,
  DriverConnection,
  DriverCursor,
  DriverResult,
  ConnectOptions,
  IsolationLevel,
  TranslatedError,
} from "./interfaces.js";
export { Inspector, inspect, type InspectorOptions, type MultiOptions } from "./inspector.js";
// Registers MetaData.reflect / Table.autoload with the schema layer.
import "./reflect.js";
export type {
  DialectReflection,
  ReflectedColumn,
  ReflectedPrimaryKey,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedUniqueConstraint,
  ReflectedCheckConstraint,
  ReflectedEnum,
  ReflectionScope,
  ReflectionWarningHandler,
} from "./reflection.js";
export { defaultReflectionWarning, referentialAction } from "./reflection.js";
