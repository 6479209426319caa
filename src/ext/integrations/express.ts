/**
 * Express middleware: a scoped-session scope per request.
 *
 * @module
 */
import type { ScopedSession } from "../scoping.js";
import { endScopeWithResponse, warnOnError, type NodeResponseLike, type WebScopeOptions } from "./node-response.js";

/**
 * The shape of the middleware: what Express 4 and 5 call a `RequestHandler`,
 * written without importing Express.
 */
export type ExpressScopeMiddleware = (req: unknown, res: NodeResponseLike, next: (error?: unknown) => void) => void;

/**
 * Express middleware that opens a fresh scope of `scoped` for each request.
 * The handlers after it (and everything they await) see the request's own
 * Session through `scoped()` and its proxies. The Session is removed (closed,
 * rolling back whatever was not committed) when the response has been sent or
 * the client went away, whatever the handler did. Nothing is committed for
 * you: call `await scoped.commit()` in the handler.
 *
 * Express's own body parsers (`express.json()`, `express.urlencoded()`)
 * keep the async context and may come before or after it; a parser that
 * calls the next middleware from a stream event without binding it to the
 * context would run the handlers outside the scope, so registering this
 * middleware after the body parsers is the safe order.
 *
 * @example
 * ```ts
 * app.use(express.json(), expressScopedSession(Scoped));
 * app.post("/authors", async (req, res) => {
 *   Scoped.add(new Author(req.body));
 *   await Scoped.commit();
 *   res.status(201).end();
 * });
 * ```
 */
export function expressScopedSession(scoped: ScopedSession, options: WebScopeOptions = {}): ExpressScopeMiddleware {
  const onError = options.onError ?? warnOnError;
  return (_req, res, next) => {
    const scope = scoped.openScope();
    endScopeWithResponse(scope, res, onError);
    scope.run(() => next());
  };
}
