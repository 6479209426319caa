/** Shared helpers of the CLI tests: running the command, loading the datasets, describing a schema. */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { main } from "../../src/cli/main.js";
import { inspect, type Connection } from "../../src/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs `athanor ARGS` in process; returns the exit code and what it printed. */
export async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, (t) => (out += `${t}\n`), (t) => (err += `${t}\n`));
  return { code, out, err };
}

/**
 * Runs `tsc --strict --noEmit` on generated modules (with `athanor` and
 * `athanor/*` resolved to the sources) in another process; resolves to its
 * report, empty when they type-check.
 */
export function typecheck(work: string, files: readonly string[]): Promise<string> {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2022",
      lib: ["ES2023", "ESNext.Disposable", "ESNext.AsyncIterable"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [path.join(repoRoot, "node_modules", "@types")],
      paths: { athanor: [path.join(repoRoot, "src", "index.ts")], "athanor/*": [path.join(repoRoot, "src", "*", "index.ts")] },
    },
    files,
  };
  writeFileSync(path.join(work, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
  return promisify(execFile)(tsc, ["-p", path.join(work, "tsconfig.json")], { timeout: 120_000, cwd: work }).then(
    () => "",
    (error: { stdout?: string; code?: unknown }) => {
      // tsc exits 1 or 2 when it reports errors; anything else (not found, killed) is a failure of the test itself
      if (error.code !== 1 && error.code !== 2) throw error as Error;
      return error.stdout ?? "";
    },
  );
}

/** A dataset file: shared/ beside the repository, else /work/shared. */
export function dataset(...parts: string[]): string {
  const beside = path.resolve(repoRoot, "..", "shared", "datasets", ...parts);
  return existsSync(beside) ? beside : path.join("/work/shared/datasets", ...parts);
}

/**
 * Splits a SQL script into statements at semicolons outside string literals,
 * quoted names, comments and PostgreSQL dollar quotes. Comments are dropped.
 */
export function splitScript(script: string): string[] {
  const out: string[] = [];
  let cur = "";
  let i = 0;
  const src = script.replace(/^\uFEFF/, "");
  while (i < src.length) {
    const ch = src.charAt(i);
    if (ch === "'" || ch === '"' || ch === "`") {
      let j = i + 1;
      while (j < src.length && src.charAt(j) !== ch) j += src.charAt(j) === "\\" && ch !== '"' ? 2 : 1;
      cur += src.slice(i, j + 1);
      i = j + 1;
    } else if (ch === "-" && src.charAt(i + 1) === "-") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
    } else if (ch === "/" && src.charAt(i + 1) === "*") {
      const close = src.indexOf("*/", i + 2);
      i = close < 0 ? src.length : close + 2;
      cur += " ";
    } else if (ch === "$" && /^\$[A-Za-z_]*\$/.test(src.slice(i, i + 40))) {
      const tag = (/^\$[A-Za-z_]*\$/.exec(src.slice(i, i + 40)) as RegExpExecArray)[0];
      const end = src.indexOf(tag, i + tag.length);
      const stop = end < 0 ? src.length : end + tag.length;
      cur += src.slice(i, stop);
      i = stop;
    } else if (ch === ";") {
      if (cur.trim() !== "") out.push(cur.trim());
      cur = "";
      i++;
    } else {
      cur += ch;
      i++;
    }
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}

/** The DDL of a Chinook script: no data, no DROP/CREATE DATABASE, USE or \c lines. */
export function chinookDDL(file: string): string[] {
  const text = readFileSync(dataset("chinook", file), "utf8")
    .split("\n")
    .filter((line) => !/^\s*\\c/.test(line))
    .join("\n");
  return splitScript(text).filter((s) => !/^(INSERT|DROP DATABASE|CREATE DATABASE|USE\s)/i.test(s));
}

/** The Pagila schema dump's statements, without OWNER/GRANT/REVOKE. */
export function pagilaDDL(): string[] {
  return splitScript(readFileSync(dataset("pagila", "pagila-schema.sql"), "utf8")).filter((s) => !/OWNER TO|^GRANT|^REVOKE/i.test(s));
}

/** Everything the Inspector says about the tables of a schema, as plain data (types by their names). */
export interface SchemaDescription {
  tables: string[];
  views: string[];
  columns: Record<string, Record<string, unknown>[]>;
  pks: Record<string, unknown>;
  fks: Record<string, unknown[]>;
  indexes: Record<string, unknown[]>;
  uniques: Record<string, unknown[]>;
  checks: Record<string, unknown[]>;
  comments: Record<string, unknown>;
}

function plain<V>(m: Map<string, V>): Record<string, V> {
  return Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
}

/** Describes a schema; lists are sorted by name so that catalog order does not matter. */
export async function describeSchema(conn: Connection, schema: string | undefined): Promise<SchemaDescription> {
  const insp = inspect(conn);
  const tables = (await insp.getTableNames(schema)).sort();
  const scope = { schema, tables };
  const byName = <T extends { name?: string | undefined }>(list: T[]): T[] =>
    [...list].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "") || JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const columns = await insp.getMultiColumns(scope);
  return {
    tables,
    views: (await insp.getViewNames(schema)).sort(),
    columns: plain(new Map([...columns].map(([t, cols]) => [t, cols.map((c) => ({ ...c, type: c.type.typeName }))]))),
    pks: plain(await insp.getMultiPkConstraint(scope)),
    fks: plain(new Map([...(await insp.getMultiForeignKeys(scope))].map(([t, v]) => [t, byName(v)]))),
    indexes: plain(new Map([...(await insp.getMultiIndexes(scope))].map(([t, v]) => [t, byName(v)]))),
    uniques: plain(new Map([...(await insp.getMultiUniqueConstraints(scope))].map(([t, v]) => [t, byName(v)]))),
    checks: plain(new Map([...(await insp.getMultiCheckConstraints(scope))].map(([t, v]) => [t, byName(v)]))),
    comments: plain(await insp.getMultiTableComment(scope)),
  };
}
