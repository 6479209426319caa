/**
 * Compilers by dialect name, so a statement can be compiled without an engine
 * (`stmt.compile({ dialect: "postgresql" })`). The dialects register theirs;
 * nothing here imports a dialect.
 *
 * @module
 */
import { ArgumentError } from "../../errors/index.js";
import type { CompiledSQL } from "./compiler.js";

/** What the registry needs of a compiler. */
export interface StatementCompiler {
  compile(statement: never): CompiledSQL;
}

const factories = new Map<string, () => StatementCompiler>();

/** Registers the compiler of a dialect (`postgresql`, `sqlite`, `mysql`, `mariadb`, or a third-party name). */
export function registerCompiler(dialect: string, factory: () => StatementCompiler): void {
  factories.set(dialect, factory);
}

/** A new compiler for a dialect name; an unknown name lists the known ones. */
export function compilerFor(dialect: string): StatementCompiler {
  const factory = factories.get(dialect);
  if (factory === undefined) {
    throw new ArgumentError(`No compiler is registered for dialect "${dialect}". Known: ${[...factories.keys()].sort().join(", ") || "(none; import athanor first)"}.`);
  }
  return factory();
}
