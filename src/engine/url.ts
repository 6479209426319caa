import { inspect } from "node:util";
import { ArgumentError } from "../errors/index.js";

/** The parts of a database URL, as given to {@link URL.create}. */
export interface URLParts {
  /** The dialect name: `postgresql`, `sqlite`, `mysql`, `mariadb`. */
  dialect: string;
  /** The driver name (`pg`, `postgres`, `pglite`, `better-sqlite3`, `mysql2`); the dialect's default when omitted. */
  driver?: string | undefined;
  username?: string | undefined;
  /** The password in clear; it is escaped when the URL is rendered and hidden in every printed form. */
  password?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  /** The database name, or a file path for SQLite and PGlite. */
  database?: string | undefined;
  /** Query-string options; a key given several times keeps every value. */
  query?: Readonly<Record<string, string | readonly string[]>> | undefined;
}

/** Options of {@link URL.render}. */
export interface RenderOptions {
  /** Replace the password with `***` (the default is `true`). */
  hidePassword?: boolean;
}

const URL_PATTERN =
  /^(?<scheme>[^:/?#]+):\/\/(?:(?<userinfo>[^/?#]*)@)?(?<hostport>\[[^\]]*\]|[^/?#:]*)?(?::(?<port>[^/?#]*))?(?<path>\/[^?#]*)?(?:\?(?<query>[^#]*))?(?<fragment>#.*)?$/s;

const SCHEME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*(\+[A-Za-z0-9_.-]+)?$/;

/**
 * A database URL: `dialect+driver://user:password@host:port/database?key=value`.
 *
 * Immutable. The password is kept in a private field: `toString()`, `JSON.stringify`,
 * `console.log` and every error message show `***` in its place. Use
 * {@link URL.render} with `hidePassword: false` for the real string.
 *
 * @example
 * ```ts
 * const url = URL.create({ dialect: "postgresql", driver: "pg", username: "app",
 *   password: "p@ss#word", host: "localhost", database: "shop" });
 * url.render({ hidePassword: false }); // "postgresql+pg://app:p%40ss%23word@localhost/shop"
 * String(url);                           // "postgresql+pg://app:***@localhost/shop"
 * ```
 */
export class URL {
  readonly dialect: string;
  readonly driver: string | undefined;
  readonly username: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly database: string | undefined;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly #password: string | undefined;

  private constructor(parts: URLParts) {
    this.dialect = parts.dialect;
    this.driver = parts.driver;
    this.username = parts.username;
    this.#password = parts.password;
    this.host = parts.host;
    this.port = parts.port;
    this.database = parts.database;
    this.query = Object.freeze({ ...(parts.query ?? {}) });
    Object.freeze(this);
  }

  /** The password in clear. Never print it; it is here for drivers. */
  get password(): string | undefined {
    return this.#password;
  }

  /** `dialect+driver`, or the dialect alone. */
  get driverName(): string {
    return this.driver === undefined ? this.dialect : `${this.dialect}+${this.driver}`;
  }

  /** Builds a URL from its parts. The password may contain any character. */
  static create(parts: URLParts): URL {
    if (typeof parts.dialect !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(parts.dialect)) {
      throw new ArgumentError(`Invalid dialect name ${JSON.stringify(parts.dialect)} in URL parts.`);
    }
    if (parts.driver !== undefined && !/^[A-Za-z0-9_.-]+$/.test(parts.driver)) {
      throw new ArgumentError(`Invalid driver name ${JSON.stringify(parts.driver)} in URL parts.`);
    }
    if (parts.port !== undefined && !(Number.isInteger(parts.port) && parts.port > 0 && parts.port < 65536)) {
      throw new ArgumentError(`Invalid port ${String(parts.port)} in URL parts: expected an integer from 1 to 65535.`);
    }
    return new URL(parts);
  }

  /**
   * Parses a URL string. A malformed URL raises {@link ArgumentError} naming
   * the bad part (the password is never quoted back).
   */
  static parse(text: string): URL {
    if (typeof text !== "string") throw new ArgumentError(`Expected a URL string, got ${typeof text}.`);
    const match = URL_PATTERN.exec(text.trim());
    if (match?.groups === undefined) {
      throw new ArgumentError(
        `Could not parse a database URL from ${JSON.stringify(safePreview(text))}: expected ` +
          `"dialect+driver://user:password@host:port/database?key=value" (for example "postgresql+pg://app@localhost/shop" or "sqlite:///file.db").`,
      );
    }
    const g = match.groups;
    const scheme = g.scheme ?? "";
    if (!SCHEME_PATTERN.test(scheme)) {
      throw new ArgumentError(`Invalid scheme ${JSON.stringify(scheme)} in database URL: expected "dialect" or "dialect+driver".`);
    }
    if (g.fragment !== undefined) {
      throw new ArgumentError(
        `Unexpected fragment in database URL ${JSON.stringify(safePreview(text))}: a "#" in a password must be percent-encoded as %23 (URL.create does this for you).`,
      );
    }
    const [dialect, driver] = scheme.split("+") as [string, string | undefined];
    let username: string | undefined;
    let password: string | undefined;
    if (g.userinfo !== undefined) {
      const colon = g.userinfo.indexOf(":");
      const rawUser = colon >= 0 ? g.userinfo.slice(0, colon) : g.userinfo;
      username = rawUser === "" ? undefined : decodePart(rawUser, "user name");
      if (colon >= 0) password = decodePart(g.userinfo.slice(colon + 1), "password");
    }
    let host = g.hostport === undefined || g.hostport === "" ? undefined : decodePart(g.hostport, "host");
    if (host?.startsWith("[") === true) host = host.slice(1, -1);
    let port: number | undefined;
    if (g.port !== undefined && g.port !== "") {
      if (!/^\d+$/.test(g.port) || Number(g.port) < 1 || Number(g.port) > 65535) {
        throw new ArgumentError(`Invalid port ${JSON.stringify(g.port)} in database URL: expected an integer from 1 to 65535.`);
      }
      port = Number(g.port);
    }
    const path = g.path === undefined || g.path === "/" ? undefined : g.path.slice(1);
    const database = path === undefined || path === "" ? undefined : decodePart(path, "database");
    return new URL({
      dialect: dialect.toLowerCase(),
      driver: driver?.toLowerCase(),
      username,
      password,
      host,
      port,
      database,
      query: parseQuery(g.query),
    });
  }

  /** Returns a copy with some parts replaced. */
  set(parts: Partial<URLParts>): URL {
    return URL.create({ ...this.parts(), ...parts });
  }

  /** Returns a copy whose query has these keys added or replaced. */
  updateQuery(query: Readonly<Record<string, string | readonly string[]>>): URL {
    return this.set({ query: { ...this.query, ...query } });
  }

  /** One query option as a string (the last value when repeated). */
  queryValue(key: string): string | undefined {
    const value = this.query[key];
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : value[value.length - 1];
  }

  /** The parts of this URL, password included. */
  parts(): URLParts {
    return {
      dialect: this.dialect,
      driver: this.driver,
      username: this.username,
      password: this.#password,
      host: this.host,
      port: this.port,
      database: this.database,
      query: this.query,
    };
  }

  /** Renders the URL; the password is hidden unless `hidePassword: false`. */
  render(options: RenderOptions = {}): string {
    const hide = options.hidePassword ?? true;
    let out = `${this.driverName}://`;
    if (this.username !== undefined || this.#password !== undefined) {
      out += encodeUserinfo(this.username ?? "");
      if (this.#password !== undefined) out += `:${hide ? "***" : encodeUserinfo(this.#password)}`;
      out += "@";
    }
    if (this.host !== undefined) out += this.host.includes(":") ? `[${this.host}]` : encodeUserinfo(this.host);
    if (this.port !== undefined) out += `:${this.port}`;
    if (this.database !== undefined) out += `/${encodeDatabase(this.database)}`;
    const query = renderQuery(this.query);
    if (query !== "") out += `?${query}`;
    return out;
  }

  /** The URL with the password hidden. */
  toString(): string {
    return this.render({ hidePassword: true });
  }

  /** The URL with the password hidden, so `JSON.stringify` cannot leak it. */
  toJSON(): string {
    return this.toString();
  }

  /** Node's `util.inspect` (and `console.log`) shows the URL with the password hidden. */
  [inspect.custom](): string {
    return `URL(${JSON.stringify(this.toString())})`;
  }
}

function decodePart(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // The raw text of a password must not be quoted back.
    const shown = what === "password" ? "" : ` ${JSON.stringify(raw)}`;
    throw new ArgumentError(
      `Invalid percent-encoding in the ${what}${shown} of a database URL: a "%" must be written %25 (URL.create escapes it for you).`,
    );
  }
}

function parseQuery(raw: string | undefined): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (raw === undefined || raw === "") return query;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodePart((eq >= 0 ? pair.slice(0, eq) : pair).replace(/\+/g, " "), "query key");
    const value = decodePart((eq >= 0 ? pair.slice(eq + 1) : "").replace(/\+/g, " "), `value of query option "${key}"`);
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function renderQuery(query: Readonly<Record<string, string | readonly string[]>>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    const values = typeof value === "string" ? [value] : (value ?? []);
    for (const v of values) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
  }
  return pairs.join("&");
}

/** Escapes everything that could end the user, password or host part: `@ : / ? # % [ ]` and spaces. */
function encodeUserinfo(text: string): string {
  return encodeURIComponent(text);
}

/** A database may be a path (SQLite, PGlite): keep its slashes. */
function encodeDatabase(text: string): string {
  return text
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

/** A URL as it may appear in an error message: the part between `:` and `@` is hidden. */
function safePreview(text: string): string {
  return text.replace(/\/\/([^/@]*?):([^@]*)@/, "//$1:***@");
}

/** Accepts a URL object or parses a string. */
export function makeUrl(url: string | URL): URL {
  return url instanceof URL ? url : URL.parse(url);
}
