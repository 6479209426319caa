#!/usr/bin/env node
/**
 * The `athanor` command. The only code that reads argv and the environment.
 *
 *   athanor inspect --url URL [--schema S]
 *   athanor codegen --url URL [--schema S] [--tables a,b] [--models] [--out FILE]
 *
 * @module
 */
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import "../dialects/builtin.js";
import { URL, createEngine, type EngineOptions } from "../engine/index.js";
import { AthanorError, ArgumentError } from "../errors/index.js";
import { codegenCommand } from "./codegen.js";
import { inspectCommand } from "./inspect.js";

const USAGE = `Usage:
  athanor inspect --url URL [--schema SCHEMA]
      print tables, columns, keys, indexes and row estimates
  athanor codegen --url URL [--schema SCHEMA] [--tables a,b] [--models] [--out FILE]
      write a TypeScript module with typed Table definitions for the database
      (--tables: only these tables and the tables they refer to; --models: also declarative
      model classes with the relationships the foreign keys imply; stdout without --out)

The URL may also come from DATABASE_URL. Both commands only read the database;
a SQLite file that does not exist is an error (it is never created). Examples:
  athanor inspect --url postgresql://app@localhost/shop
  athanor inspect --url sqlite:///data/app.db
  athanor codegen --url postgresql://app@localhost/shop --schema sales --out src/db/schema.ts
See docs/codegen.md.`;

const COMMANDS = new Set(["inspect", "codegen"]);

/**
 * The engine of a command that only reads: one connection, a finite connect
 * timeout, and a database that must exist. better-sqlite3 (and PGlite) would
 * otherwise create an empty file (a data directory) for a mistyped path, so
 * the path is checked first and SQLite is opened with better-sqlite3's
 * `fileMustExist` through the engine's `connectArgs`, which any program can
 * pass the same way: `createEngine(url, { connectArgs: { fileMustExist: true } })`.
 */
function readOnlyEngine(url: string): ReturnType<typeof createEngine> {
  const parsed = URL.parse(url);
  const options: EngineOptions = { poolSize: 1, connectTimeout: 10_000 };
  if (parsed.dialect === "sqlite" && parsed.database !== undefined && parsed.database !== "" && parsed.database !== ":memory:") {
    if (!existsSync(parsed.database)) {
      throw new ArgumentError(`No SQLite database file at ${resolve(parsed.database)} (a command that only reads never creates one; check the path).`);
    }
    return createEngine(parsed, { ...options, connectArgs: { fileMustExist: true } });
  }
  if (parsed.dialect === "postgresql" && parsed.driver === "pglite" && parsed.database !== undefined && parsed.database !== "" && !existsSync(parsed.database)) {
    throw new ArgumentError(`No PGlite data directory at ${resolve(parsed.database)} (a command that only reads never creates one; check the path).`);
  }
  return createEngine(parsed, options);
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: "string" },
        schema: { type: "string" },
        tables: { type: "string" },
        out: { type: "string", short: "o" },
        models: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help === true || command === undefined) {
    out(USAGE);
    return command === undefined && parsed.values.help !== true ? 2 : 0;
  }
  if (!COMMANDS.has(command)) {
    err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const url = parsed.values.url ?? process.env.DATABASE_URL;
  if (url === undefined || url === "") {
    err(`${command} needs a database URL: --url URL (or DATABASE_URL).\n\n${USAGE}`);
    return 2;
  }
  const tables = parsed.values.tables
    ?.split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (parsed.values.tables !== undefined && (command !== "codegen" || tables?.length === 0)) {
    err(`--tables ${command === "codegen" ? "needs at least one table name" : "is an option of codegen"}.\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.models === true && command !== "codegen") {
    err(`--models is an option of codegen.\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.out !== undefined && command !== "codegen") {
    err(`--out is an option of codegen.\n\n${USAGE}`);
    return 2;
  }
  let engine;
  try {
    engine = readOnlyEngine(url);
    if (command === "inspect") {
      out(await inspectCommand(engine, { schema: parsed.values.schema }));
      return 0;
    }
    const source = await codegenCommand(engine, {
      schema: parsed.values.schema,
      tables,
      models: parsed.values.models === true,
      onWarning: (message) => err(`athanor: warning: ${message}`),
    });
    if (parsed.values.out === undefined) {
      out(source);
    } else {
      const file = resolve(parsed.values.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, source);
      out(`athanor: wrote ${file}`);
    }
    return 0;
  } catch (error) {
    err(`athanor: ${error instanceof AthanorError ? `${error.name}: ${error.message}` : String(error)}`);
    return 1;
  } finally {
    await engine?.dispose();
  }
}

/** True when this module is the program (run as `athanor`, through the bin link, or with node/tsx). */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2), (t) => process.stdout.write(`${t}\n`), (t) => process.stderr.write(`${t}\n`)).then((code) => {
    process.exitCode = code;
  });
}
