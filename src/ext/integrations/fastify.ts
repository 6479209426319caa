/**
 * Fastify plugin: a scoped-session scope per request.
 *
 * @module
 */
import type { ScopeHandle, ScopedSession } from "../scoping.js";
import { endScopeWithResponse, warnOnError, type NodeResponseLike, type WebScopeOptions } from "./node-response.js";

/** A Fastify hook in callback style, as the plugin registers it. */
export type FastifyHookLike = (request: object, reply: { readonly raw: NodeResponseLike }, done: () => void) => void;

/** The part of a Fastify instance the plugin uses, written without importing Fastify. */
export interface FastifyLike {
  /** Fastify's `addHook`. */
  addHook(name: "onRequest" | "preValidation", hook: FastifyHookLike): unknown;
}

/** A Fastify plugin in callback style, registered with `app.register(plugin)`. */
export type FastifyScopePlugin = (instance: FastifyLike, options: unknown, done: (error?: Error) => void) => void;

/**
 * A Fastify plugin that opens a fresh scope of `scoped` for each request:
 * `preValidation` and `preHandler` hooks, the handler and everything they
 * await see the request's own Session through `scoped()` and its proxies.
 * The Session is removed (closed, rolling back whatever was not committed)
 * when the response has been sent or the client went away, whatever the
 * handler did. Nothing is committed for you.
 *
 * The plugin applies to the whole instance it is registered on (it skips
 * Fastify's encapsulation, as `fastify-plugin` would). The scope is entered
 * after the body is parsed: `onRequest` hooks run outside it.
 *
 * @example
 * ```ts
 * await app.register(fastifyScopedSession(Scoped));
 * app.get("/authors/:id", async (req) => Scoped.get(Author, Number((req.params as { id: string }).id)));
 * ```
 */
export function fastifyScopedSession(scoped: ScopedSession, options: WebScopeOptions = {}): FastifyScopePlugin {
  const onError = options.onError ?? warnOnError;
  const scopes = new WeakMap<object, ScopeHandle>();
  const plugin: FastifyScopePlugin = (instance, _options, done) => {
    instance.addHook("onRequest", (request, reply, next) => {
      const scope = scoped.openScope();
      scopes.set(request, scope);
      endScopeWithResponse(scope, reply.raw, onError);
      next();
    });
    // Entered here rather than in onRequest: body parsing resumes from stream events, outside any context set before it.
    instance.addHook("preValidation", (request, _reply, next) => {
      const scope = scopes.get(request);
      if (scope === undefined) next();
      else scope.run(next);
    });
    done();
  };
  Object.defineProperty(plugin, Symbol.for("skip-override"), { value: true });
  Object.defineProperty(plugin, Symbol.for("fastify.display-name"), { value: "athanor-scoped-session" });
  return plugin;
}
