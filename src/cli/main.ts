#!/usr/bin/env node
/**
 * The `athanor` command. The only code that reads argv and the environment.
 *
 *   athanor inspect --url URL [--schema S]
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import "../dialects/builtin.js";
import { createEngine } from "../engine/index.js";
import { AthanorError } from "../errors/index.js";
import { inspectCommand } from "./inspect.js";

const USAGE = `Usage:
  athanor inspect --url URL [--schema SCHEMA]   print tables, columns, keys, indexes and row estimates

The URL may also come from DATABASE_URL. Examples:
  athanor inspect --url postgresql://app@localhost/shop
  athanor inspect --url sqlite:///data/app.db`;

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { url: { type: "string" }, schema: { type: "string" }, help: { type: "boolean", short: "h" } },
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
  if (command !== "inspect") {
    err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const url = parsed.values.url ?? process.env.DATABASE_URL;
  if (url === undefined || url === "") {
    err(`inspect needs a database URL: --url URL (or DATABASE_URL).\n\n${USAGE}`);
    return 2;
  }
  let engine;
  try {
    engine = createEngine(url, { poolSize: 1, connectTimeout: 10_000 });
    out(await inspectCommand(engine, { schema: parsed.values.schema }));
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
