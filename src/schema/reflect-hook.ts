/**
 * The hook through which `MetaData.reflect` and `Table.autoload` reach the
 * reflection code of the engine layer (schema/ may not import engine/). The
 * engine module registers the implementation when it is imported, as the main
 * entry does.
 *
 * @module
 */
import { InvalidRequestError } from "../errors/index.js";
import type { MetaData } from "./metadata.js";
import type { AnyTable } from "./table.js";

/** Options of `MetaData.reflect`. */
export interface ReflectOptions {
  /** Only these tables (and the tables their foreign keys refer to); default: every table of the schema. */
  readonly only?: readonly string[];
  /** The schema to read (default: the MetaData's schema, else the database's default schema). */
  readonly schema?: string;
  /**
   * Reflect views too, as tables without keys (no primary key, foreign keys,
   * indexes or constraints): usable in `select`, and in `insert`/`update`
   * where the database allows writing through the view. Ignored with `only`,
   * which reflects views it names anyway.
   */
  readonly views?: boolean;
  /**
   * Receives reflection's warnings, such as a column type without an Athanor
   * mapping (reflected as `NullType`). Default: the engine's logger
   * (`logger.warn`; standard error when the logger has none).
   */
  readonly onWarning?: (message: string) => void;
}

/** Reads tables from `bind` (an Engine or a Connection) into `metadata`; returns the tables it made, by name. */
export type Reflector = (metadata: MetaData, bind: object, options: ReflectOptions) => Promise<Map<string, AnyTable>>;

let reflector: Reflector | undefined;

/** Registers the implementation of reflection (done by the engine layer). */
export function registerReflector(fn: Reflector): void {
  reflector = fn;
}

/** @internal */
export function runReflector(metadata: MetaData, bind: object, options: ReflectOptions): Promise<Map<string, AnyTable>> {
  if (reflector === undefined) {
    throw new InvalidRequestError('Reflection is not loaded: import "athanor" (or "athanor/engine") before calling reflect().');
  }
  return reflector(metadata, bind, options);
}
