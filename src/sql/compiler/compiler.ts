import { CompileError } from "../../errors/index.js";
import type { Executable, TextClause } from "../elements/text.js";
import type { TypeEngine, ValueProcessor } from "../types/type-api.js";
import { scanText } from "./text-scanner.js";

/** A statement compiled for one dialect: SQL text plus how to build its positional parameters. */
export interface CompiledSQL {
  readonly sql: string;
  /** The bind parameter name behind each positional placeholder, in order. */
  readonly bindNames: readonly string[];
  /** Conversions to apply to each positional value before it is sent, by position. */
  readonly bindProcessors: readonly (ValueProcessor<unknown, unknown> | undefined)[];
  /** Values fixed when the statement was built, by parameter name. */
  readonly boundValues: Readonly<Record<string, unknown>>;
  /** Declared result column types by column name, when the statement knows them. */
  readonly resultTypes: Readonly<Record<string, TypeEngine>> | undefined;
}

/** Per-compilation state: the placeholders emitted so far. */
export interface CompileState {
  readonly bindNames: string[];
  readonly bindProcessors: (ValueProcessor<unknown, unknown> | undefined)[];
}

type Visitor = (compiler: SQLCompiler, node: Executable, state: CompileState) => string;

const visitors: Record<string, Visitor> = {
  text: (compiler, node, state) => compiler.visitText(node as TextClause, state),
};

/**
 * The base compiler: walks a statement tree and renders SQL. Dialects subclass
 * it and override small hooks (placeholders, identifier quoting) and the
 * `visitX` methods whose SQL differs; nothing here branches on a dialect name.
 */
export class SQLCompiler {
  /** Compiles a statement. */
  compile(statement: Executable): CompiledSQL {
    const state: CompileState = { bindNames: [], bindProcessors: [] };
    const sql = this.process(statement, state);
    const text = statement.kind === "text" ? (statement as TextClause) : undefined;
    return {
      sql,
      bindNames: state.bindNames,
      bindProcessors: state.bindProcessors,
      boundValues: text?.boundValues ?? {},
      resultTypes: text?.columnTypes,
    };
  }

  /** Renders one node through the dispatch table. */
  process(node: Executable, state: CompileState): string {
    const visit = visitors[node.kind];
    if (visit === undefined) throw new CompileError(`The compiler has no rendering for a "${node.kind}" node.`);
    return visit(this, node, state);
  }

  /** Renders literal SQL, turning each `:name` into a placeholder. */
  visitText(node: TextClause, state: CompileState): string {
    let sql = "";
    for (const part of scanText(node.text)) {
      if ("text" in part) sql += part.text;
      else sql += this.bindParameter(part.param, node.bindTypes[part.param], state);
    }
    return sql;
  }

  /** Records a bind parameter and returns its placeholder. */
  bindParameter(name: string, type: TypeEngine | undefined, state: CompileState): string {
    state.bindNames.push(name);
    state.bindProcessors.push(type?.bindProcessor() as ValueProcessor<unknown, unknown> | undefined);
    return this.placeholder(state.bindNames.length);
  }

  /** The placeholder for the parameter at a 1-based position: `?` by default. */
  placeholder(_position: number): string {
    return "?";
  }

  /** Quotes an identifier with double quotes, doubling any inside (the SQL standard). */
  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }
}
