import { Engine, type EngineOptions } from "./engine.js";
import { resolveDriverName } from "./registry.js";
import { makeUrl, type URL } from "./url.js";

/**
 * Creates an {@link Engine} for a database URL. Nothing connects yet: the
 * dialect and its driver package load at the first connection. A malformed
 * URL, an unknown dialect or driver and an unknown option fail here, at once.
 *
 * @example
 * ```ts
 * const engine = createEngine("postgresql+pg://app:secret@localhost/shop", { poolSize: 10, poolPrePing: true });
 * const memory = createEngine("postgresql+pglite://");   // PostgreSQL in-process, in memory
 * const file = createEngine("sqlite:///data/app.db");     // SQLite through better-sqlite3
 * ```
 */
export function createEngine(url: string | URL, options: EngineOptions = {}): Engine {
  const parsed = makeUrl(url);
  resolveDriverName(parsed.dialect, parsed.driver);
  return new Engine(parsed, options);
}
