/**
 * Naming conventions: how constraints and indexes without an explicit name
 * are named, per kind (`ix`, `uq`, `ck`, `fk`, `pk`), so that every name is
 * predictable (migrations can drop them later) on every database.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";

/** The kinds of named schema objects: index, unique, check, foreign key, primary key. */
export type ConventionKey = "ix" | "uq" | "ck" | "fk" | "pk";

/** What a name template may use. */
export interface NamingContext {
  /** The table's name. */
  readonly table: string;
  /** The names of the constrained (or indexed) columns, in order. */
  readonly columns: readonly string[];
  /** For a foreign key: the referred table's name. */
  readonly referredTable: string | undefined;
  /** For a foreign key: the referred columns' names. */
  readonly referredColumns: readonly string[];
  /** The name given to the constraint itself (checks name their rule this way). */
  readonly constraintName: string | undefined;
}

/**
 * A name template: a string with `{token}` placeholders, or a function of the
 * {@link NamingContext}. Tokens: `{table}`, `{column0}` (the first column),
 * `{columns}` (all columns joined by `_`), `{referredTable}`,
 * `{referredColumn0}`, `{referredColumns}` and `{constraintName}`.
 */
export type NameTemplate = string | ((context: NamingContext) => string);

/**
 * A naming convention, per kind.
 *
 * @example
 * ```ts
 * const metadata = new MetaData({
 *   namingConvention: {
 *     ix: "ix_{table}_{columns}",
 *     uq: "uq_{table}_{columns}",
 *     ck: "ck_{table}_{constraintName}",
 *     fk: "fk_{table}_{columns}_{referredTable}",
 *     pk: "pk_{table}",
 *   },
 * });
 * ```
 */
export type NamingConvention = Readonly<Partial<Record<ConventionKey, NameTemplate>>>;

/** The convention every MetaData starts from: indexes are named `ix_<table>_<columns>` (pass `ix: undefined` to require explicit names). */
export const DEFAULT_NAMING_CONVENTION: NamingConvention = Object.freeze({ ix: "ix_{table}_{columns}" });

const TOKENS: Readonly<Record<string, (c: NamingContext) => string | undefined>> = {
  table: (c) => c.table,
  column0: (c) => c.columns[0],
  columns: (c) => (c.columns.length === 0 ? undefined : c.columns.join("_")),
  referredTable: (c) => c.referredTable,
  referredColumn0: (c) => c.referredColumns[0],
  referredColumns: (c) => (c.referredColumns.length === 0 ? undefined : c.referredColumns.join("_")),
  constraintName: (c) => c.constraintName,
};

const TOKEN = /\{([A-Za-z0-9]+)\}/g;

/** Checks a convention's templates when the MetaData is made, so a typo fails early. */
export function validateConvention(convention: NamingConvention): void {
  for (const [key, template] of Object.entries(convention)) {
    if (!["ix", "uq", "ck", "fk", "pk"].includes(key)) {
      throw new ArgumentError(`Unknown naming convention key "${key}": use ix, uq, ck, fk or pk.`);
    }
    if (template === undefined || typeof template === "function") continue;
    if (typeof template !== "string") throw new ArgumentError(`The naming convention for "${key}" must be a string or a function.`);
    for (const match of template.matchAll(TOKEN)) {
      if (!(match[1] as string in TOKENS)) {
        throw new ArgumentError(
          `Unknown token {${match[1]}} in the naming convention for "${key}"; known: ${Object.keys(TOKENS).map((t) => `{${t}}`).join(", ")}.`,
        );
      }
    }
  }
}

/** True when a template needs the constraint's own name. */
export function usesConstraintName(template: NameTemplate): boolean {
  return typeof template === "string" && template.includes("{constraintName}");
}

/** Applies a template; `undefined` when it needs something the context lacks (a check without a name). */
export function applyTemplate(template: NameTemplate, context: NamingContext): string | undefined {
  if (typeof template === "function") return template(context);
  let missing = false;
  const name = template.replace(TOKEN, (_all, token: string) => {
    const value = TOKENS[token]?.(context);
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? undefined : name;
}
