/**
 * DDL compilers by dialect name, so DDL compiles without an engine
 * (`new CreateTable(users).compile({ dialect: "postgresql" })`). The dialects
 * register theirs; nothing here imports a dialect.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import type { DDLCompiler } from "./ddl-compiler.js";

const factories = new Map<string, () => DDLCompiler>();

/** Registers the DDL compiler of a dialect (`postgresql`, `sqlite`, `mysql`, `mariadb`, or a third-party name). */
export function registerDDLCompiler(dialect: string, factory: () => DDLCompiler): void {
  factories.set(dialect, factory);
}

/** A new DDL compiler for a dialect name; an unknown name lists the known ones. */
export function ddlCompilerFor(dialect: string): DDLCompiler {
  const factory = factories.get(dialect);
  if (factory === undefined) {
    throw new ArgumentError(`No DDL compiler is registered for dialect "${dialect}". Known: ${[...factories.keys()].sort().join(", ") || "(none; import athanor first)"}.`);
  }
  return factory();
}
