/**
 * Scoped sessions: one Session per async flow (a web request, a job, a
 * script's unit of work), found without passing it around. The counterpart of
 * SQLAlchemy's `scoped_session`, where Python keys the registry by thread or
 * contextvar; here the key is the async context (`AsyncLocalStorage`), so two
 * requests served concurrently by one event loop never share a Session.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { ArgumentError, InvalidRequestError } from "../errors/index.js";
import type { Session, SessionFactory } from "../orm/index.js";

/** The synchronous Session methods a scoped session forwards to the current scope's Session. */
const SYNC_METHODS = ["add", "addAll", "delete", "expunge", "expungeAll", "expire", "expireAll", "isModified", "contains"] as const;

/** The async ones: outside a scope they reject rather than throw, as any async call should. */
const ASYNC_METHODS = [
  "get",
  "getOne",
  "execute",
  "scalars",
  "scalar",
  "load",
  "refresh",
  "merge",
  "flush",
  "commit",
  "rollback",
  "close",
  "begin",
  "beginNested",
] as const;

type ProxiedMethod = (typeof SYNC_METHODS)[number] | (typeof ASYNC_METHODS)[number];

/** The Session properties a scoped session reads from the current scope's Session. */
const PROXIED_PROPERTIES = ["new", "dirty", "deleted", "objects", "inTransaction"] as const;

/** The methods of {@link Session} available on a scoped session, with the Session's own signatures. */
export type ScopedSessionMethods = Pick<Session, ProxiedMethod>;

/** The read-only properties of {@link Session} available on a scoped session. */
export type ScopedSessionProperties = Readonly<Pick<Session, (typeof PROXIED_PROPERTIES)[number]>>;

/**
 * How `transactional()` relates to a transaction already open in the scope
 * (the names and meanings of Spring's and Jakarta's propagation levels):
 *
 * - `"REQUIRED"`: join the scope's transaction when one is open (or the
 *   session holds unflushed changes); otherwise begin one, commit it when the
 *   function resolves and roll it back when it throws.
 * - `"NESTED"`: inside an open transaction, a SAVEPOINT: a throw rolls back
 *   only what the function did (database rows and the in-memory state of the
 *   objects it touched). With no open transaction, the same as `"REQUIRED"`.
 * - `"REQUIRES_NEW"`: a separate Session, hence a separate connection and
 *   transaction, committed when the function resolves, whatever the caller
 *   does afterwards. During the function it is the scope's current session;
 *   the caller's is current again after.
 */
export type Propagation = "REQUIRED" | "NESTED" | "REQUIRES_NEW";

/** The propagation levels by name, for `{ propagation: Propagation.NESTED }`. */
export const Propagation = {
  REQUIRED: "REQUIRED",
  NESTED: "NESTED",
  REQUIRES_NEW: "REQUIRES_NEW",
} as const satisfies Record<Propagation, Propagation>;

/** Options of `transactional()`. */
export interface TransactionalOptions {
  /** How to relate to a transaction already open in the scope. Default `"REQUIRED"`. */
  readonly propagation?: Propagation;
}

/** What a scoped session does when it is used outside any scope. */
export type OutsideScope = "throw" | "global";

/** Options of {@link scopedSession}. */
export interface ScopedSessionOptions {
  /**
   * Names the current scope when no `run()` (or integration) scope is active:
   * return a key (a worker id, a request object your framework keeps) and
   * every call with the same key gets the same Session, until `remove()` is
   * called under that key; return `undefined` for "no scope". Scopes opened
   * with `run()` always take precedence. Without it, only `run()` scopes and
   * the integrations open scopes.
   */
  readonly scopeFunc?: () => unknown;
  /**
   * Used outside every scope: `"throw"` (default) raises an error that says
   * how to open a scope; `"global"` uses one process-wide Session, for
   * scripts and REPLs that run one thing at a time (it is never removed
   * automatically: call `remove()` when done).
   */
  readonly outsideScope?: OutsideScope;
  /**
   * Called when closing a scope's Session fails where nobody awaits the
   * close: after the scope's own function already failed (its error is the
   * one raised), or when an integration ends a scope after the response was
   * sent. Default: a process warning (`process.emitWarning`).
   */
  readonly onError?: (error: unknown) => void;
  /**
   * How long (ms) ending a scope waits for an operation still running on its
   * Session (a handler that sent its response before its last query) before
   * the removal fails with an error; the Session is still closed, later, when
   * that operation ends. Default 30,000, the default pool timeout.
   */
  readonly closeTimeout?: number;
}

/**
 * A scope opened by hand, for integrations whose scope does not end when one
 * function settles (a response that finishes after the handler returned).
 * Obtained from {@link ScopedSession.openScope}.
 */
export interface ScopeHandle {
  /** Runs `fn` (synchronously) inside the scope: any async work it starts stays in the scope. */
  run<T>(fn: () => T): T;
  /**
   * Ends the scope: closes its Session if one was created (rolling back
   * anything not committed) and makes later use of the scope an error.
   * Idempotent: later calls return the first call's promise.
   */
  end(): Promise<void>;
  /** Whether `end()` was called. */
  readonly ended: boolean;
}

/**
 * A registry of Sessions, one per scope. Call it to get the current scope's
 * Session (created by the factory on first use), or use the Session methods
 * on it directly (`Scoped.add(obj)`, `await Scoped.commit()`).
 */
export interface ScopedSession extends ScopedSessionMethods, ScopedSessionProperties {
  /** The current scope's Session, created on first use. Throws outside any scope (unless `outsideScope: "global"`). */
  (): Session;
  /** The factory that makes each scope's Session. */
  readonly factory: SessionFactory;
  /** Whether a scope is active here (a `run()` scope, a `scopeFunc` key, or the global fallback). */
  readonly inScope: boolean;
  /** Whether the current scope has created its Session already (false outside any scope). */
  hasSession(): boolean;
  /**
   * Closes the current scope's Session (rolling back anything not committed)
   * and forgets it: the next call in this scope creates a new one. Does
   * nothing when the scope has no Session, or outside any scope.
   */
  remove(): Promise<void>;
  /**
   * Runs `fn` in a fresh scope, nested in the current one if any, and
   * removes the scope's Session when `fn` settles, whatever the outcome.
   * Nothing is committed implicitly: commit inside `fn`.
   */
  run<T>(fn: () => Promise<T> | T): Promise<T>;
  /** Opens a fresh scope that ends when its `end()` is called (see {@link ScopeHandle}). */
  openScope(): ScopeHandle;
  /**
   * Runs `fn` with the current scope's Session inside a transaction chosen
   * by `options.propagation` (default `"REQUIRED"`; see {@link Propagation}).
   * `fn` receives the session it runs with, which is also what calling the
   * scoped session returns during `fn`.
   */
  transactional<T>(fn: (session: Session) => Promise<T>, options?: TransactionalOptions): Promise<T>;
  /**
   * `transactional()` as a method decorator (standard decorators, TypeScript
   * 5 and later, without `experimentalDecorators`):
   * `@Scoped.transactionalMethod({ propagation: "REQUIRES_NEW" }) async audit() {...}`.
   */
  transactionalMethod(options?: TransactionalOptions): <This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => Promise<R>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<R>>,
  ) => (this: This, ...args: Args) => Promise<R>;
}

/** One scope's slot: its Session once created, and whether the scope is over. */
class Scope {
  session: Session | undefined;
  ended = false;
  ending: Promise<void> | undefined;
  constructor(readonly key?: { readonly value: unknown }) {}
}

const OPEN_SCOPE_HINT =
  "open one with `await Scoped.run(async () => ...)`, the web middleware (athanor/ext: expressScopedSession, " +
  "fastifyScopedSession, honoScopedSession), scopedJob() for job handlers, or pass " +
  '{ outsideScope: "global" } or a scopeFunc to scopedSession()';

/**
 * Makes a scoped session: a registry of Sessions bound to the async context.
 *
 * @example
 * ```ts
 * const Scoped = scopedSession(sessionmaker(engine));
 * await Scoped.run(async () => {
 *   Scoped.add(new User({ name: "ada" }));   // the Session of this scope
 *   await Scoped.commit();
 * });                                          // its Session is closed here
 * ```
 */
export function scopedSession(factory: SessionFactory, options: ScopedSessionOptions = {}): ScopedSession {
  if (typeof factory !== "function") throw new ArgumentError("scopedSession(factory): factory must be a sessionmaker() result.");
  const outsideScope = options.outsideScope ?? "throw";
  if (outsideScope !== "throw" && outsideScope !== "global") {
    throw new ArgumentError(`scopedSession(): outsideScope must be "throw" or "global", got ${JSON.stringify(outsideScope)}.`);
  }
  const scopeFunc = options.scopeFunc;
  const closeTimeout = options.closeTimeout ?? 30_000;
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(`athanor scopedSession: closing a scope's Session failed: ${describe(error)}`));
  const storage = new AsyncLocalStorage<Scope>();
  const keyed = new Map<unknown, Scope>();
  let global: Scope | undefined;

  const currentScope = (): Scope | undefined => {
    const scope = storage.getStore();
    if (scope !== undefined) return scope;
    if (scopeFunc !== undefined) {
      const key = scopeFunc();
      if (key !== undefined) {
        let keyedScope = keyed.get(key);
        if (keyedScope === undefined) keyed.set(key, (keyedScope = new Scope({ value: key })));
        return keyedScope;
      }
    }
    if (outsideScope === "global") return (global ??= new Scope());
    return undefined;
  };

  const sessionOf = (scope: Scope): Session => {
    if (scope.ended) {
      throw new InvalidRequestError(
        "This scope has ended (its run() settled, its request finished or its job returned) and its Session was removed; " +
          "do the database work before the scope ends, or open a new scope with Scoped.run().",
      );
    }
    return (scope.session ??= factory());
  };

  const current = (): Session => {
    const scope = currentScope();
    if (scope === undefined) throw new InvalidRequestError(`No session scope is active here: ${OPEN_SCOPE_HINT}.`);
    return sessionOf(scope);
  };

  const endScope = (scope: Scope): Promise<void> => {
    if (scope.ending !== undefined) return scope.ending;
    scope.ended = true;
    const session = scope.session;
    scope.session = undefined;
    scope.ending = session === undefined ? Promise.resolve() : closeWhenIdle(session, closeTimeout);
    return scope.ending;
  };

  const openScope = (): ScopeHandle => {
    const scope = new Scope();
    return {
      run: <T>(fn: () => T): T => storage.run(scope, fn),
      end: () => endScope(scope),
      get ended() {
        return scope.ended;
      },
    };
  };

  const run = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    const handle = openScope();
    let value: T;
    try {
      value = await handle.run(fn);
    } catch (error) {
      await handle.end().catch(onError);
      throw error;
    }
    await handle.end();
    return value;
  };

  const remove = async (): Promise<void> => {
    const scope = currentScope();
    if (scope === undefined) return;
    const session = scope.session;
    scope.session = undefined;
    if (scope.key !== undefined) keyed.delete(scope.key.value);
    if (session !== undefined) await closeWhenIdle(session, closeTimeout);
  };

  const requiresNew = async <T>(fn: (session: Session) => Promise<T>): Promise<T> => {
    const outer = currentScope()?.session;
    if (outer?.inTransaction === true) assertSecondConnectionPossible(outer);
    const scope = new Scope();
    return storage.run(scope, async () => {
      try {
        return await sessionOf(scope).begin(fn);
      } finally {
        await endScope(scope);
      }
    });
  };

  const transactional = async <T>(fn: (session: Session) => Promise<T>, txOptions: TransactionalOptions = {}): Promise<T> => {
    const propagation = txOptions.propagation ?? "REQUIRED";
    if (propagation === "REQUIRES_NEW") return requiresNew(fn);
    if (propagation !== "REQUIRED" && propagation !== "NESTED") {
      throw new ArgumentError(`transactional(): propagation must be "REQUIRED", "NESTED" or "REQUIRES_NEW", got ${JSON.stringify(propagation)}.`);
    }
    const session = current();
    if (isInUnitOfWork(session)) return propagation === "NESTED" ? session.beginNested(fn) : fn(session);
    let started = false;
    try {
      return await session.begin((s) => {
        started = true;
        return fn(s);
      });
    } catch (error) {
      // The caller began a transaction explicitly (session.begin()) and has not touched the database yet:
      // Session exposes no flag for that state, and refuses a second begin() before running fn. Join it.
      if (started || !(error instanceof InvalidRequestError)) throw error;
      return propagation === "NESTED" ? session.beginNested(fn) : fn(session);
    }
  };

  const scoped = (() => current()) as ScopedSession;
  const define = (name: string, descriptor: PropertyDescriptor) => Object.defineProperty(scoped, name, { ...descriptor, enumerable: true });
  const forward = (name: ProxiedMethod, args: unknown[]): unknown => {
    const session = current();
    return (session[name] as (...a: unknown[]) => unknown).apply(session, args);
  };
  for (const name of SYNC_METHODS) define(name, { value: (...args: unknown[]): unknown => forward(name, args) });
  for (const name of ASYNC_METHODS) {
    define(name, {
      value: (...args: unknown[]): unknown => {
        try {
          return forward(name, args);
        } catch (error) {
          return Promise.reject(error);
        }
      },
    });
  }
  for (const name of PROXIED_PROPERTIES) define(name, { get: () => current()[name] });
  define("factory", { value: factory });
  define("inScope", { get: () => currentScope() !== undefined });
  define("hasSession", { value: () => currentScope()?.session !== undefined });
  define("remove", { value: remove });
  define("run", { value: run });
  define("openScope", { value: openScope });
  define("transactional", { value: transactional });
  define("transactionalMethod", {
    value:
      (txOptions?: TransactionalOptions) =>
      <This, Args extends unknown[], R>(method: (this: This, ...args: Args) => Promise<R>): ((this: This, ...args: Args) => Promise<R>) =>
        function (this: This, ...args: Args): Promise<R> {
          return transactional(() => method.apply(this, args), txOptions);
        },
  });
  return scoped;
}

/**
 * `scoped.transactional(fn, options)` as a free function, for code that
 * receives the scoped session as a dependency.
 */
export function transactional<T>(scoped: ScopedSession, fn: (session: Session) => Promise<T>, options?: TransactionalOptions): Promise<T> {
  return scoped.transactional(fn, options);
}

/**
 * Whether a Session already holds a unit of work that a REQUIRED call must
 * join rather than commit: an open transaction, or changes not flushed yet
 * (committing those would commit the caller's work behind its back).
 */
function isInUnitOfWork(session: Session): boolean {
  return session.inTransaction || session.new.length > 0 || session.dirty.length > 0 || session.deleted.length > 0;
}

/**
 * REQUIRES_NEW while the caller holds a connection needs a second one. On a
 * one-connection pool (PGlite, in-memory SQLite: StaticPool) that second
 * checkout would wait for the caller, who waits for the callee: a deadlock
 * that would only end at the pool timeout. Refuse it at once instead.
 */
function assertSecondConnectionPossible(outer: Session): void {
  const stats = outer.bind.pool.stats();
  const capacity = stats.maxOverflow < 0 ? Infinity : stats.size + stats.maxOverflow;
  if (capacity < 2) {
    throw new InvalidRequestError(
      `transactional({ propagation: "REQUIRES_NEW" }) needs a second connection while the caller's transaction holds one, ` +
        `but this engine's pool allows only ${capacity} (${stats.kind}; PGlite and in-memory SQLite have exactly one). ` +
        "Run the REQUIRES_NEW work before or after the caller's transaction, use NESTED (a savepoint) instead, or use a database with a multi-connection pool.",
    );
  }
}

/**
 * Closes a Session, waiting for an operation still running on it: a scope
 * can end (a response finished, a client went away) while its handler is
 * between two awaits of its last query, and Session refuses concurrent use.
 * Past `timeout` the returned promise rejects, but the attempts go on (on
 * timers that do not keep the process alive) until the operation ends and the
 * Session is closed, since giving up would leave its connection checked out.
 */
function closeWhenIdle(session: Session, timeout: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + timeout;
    let late = false;
    const attempt = (delay: number): void => {
      session.close().then(resolve, (error: unknown) => {
        if (!(error instanceof InvalidRequestError)) {
          reject(error);
          return;
        }
        if (!late && Date.now() >= deadline) {
          late = true;
          reject(
            new InvalidRequestError(
              `A scope ended while its Session was still running an operation after ${timeout} ms (closeTimeout); ` +
                "the Session will be closed when that operation ends. Await the database work before the scope ends.",
              { cause: error },
            ),
          );
        }
        setTimeout(() => attempt(Math.min(delay * 2, 50)), delay).unref();
      });
    };
    attempt(1);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `${error}`;
}
