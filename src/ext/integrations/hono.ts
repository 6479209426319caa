/**
 * Hono middleware: a scoped-session scope per request.
 *
 * @module
 */
import type { ScopedSession } from "../scoping.js";
import { warnOnError, type WebScopeOptions } from "./node-response.js";

/** The shape of the middleware: Hono's `MiddlewareHandler`, written without importing Hono. */
export type HonoScopeMiddleware = (context: unknown, next: () => Promise<void>) => Promise<void>;

/** The request's abort signal (`c.req.raw.signal`), when the adapter provides one (`@hono/node-server` does). */
function abortSignalOf(context: unknown): AbortSignal | undefined {
  const signal = (context as { req?: { raw?: { signal?: unknown } } } | null)?.req?.raw?.signal;
  return signal instanceof AbortSignal ? signal : undefined;
}

/**
 * Hono middleware that opens a fresh scope of `scoped` for each request. The
 * handlers after it and everything they await see the request's own Session
 * through `scoped()` and its proxies. The Session is removed (closed, rolling
 * back whatever was not committed) when the downstream handlers have settled,
 * whatever the outcome (Hono turns a throw into an error response before
 * that), or as soon as the client goes away (the request's abort signal).
 * Nothing is committed for you.
 *
 * A streamed response (`c.stream()`) writes after the handler returned, so
 * after the scope ended: do its database work in its own `scoped.run()`.
 *
 * @example
 * ```ts
 * app.use(honoScopedSession(Scoped));
 * app.get("/books", async (c) => c.json((await Scoped.scalars(select(Book))).all()));
 * ```
 */
export function honoScopedSession(scoped: ScopedSession, options: WebScopeOptions = {}): HonoScopeMiddleware {
  const onError = options.onError ?? warnOnError;
  return async (context, next) => {
    const scope = scoped.openScope();
    const signal = abortSignalOf(context);
    const onAbort = () => {
      scope.end().catch(onError);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await scope.run(next);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await scope.end();
    }
  };
}
