/**
 * What the web integrations need from Node's `http.ServerResponse`, typed
 * structurally so that the library loads without any web framework.
 *
 * @module
 */
import type { ScopeHandle } from "../scoping.js";

/** The part of Node's `http.ServerResponse` the integrations use: its `finish` and `close` events. */
export interface NodeResponseLike {
  /** Node's `EventEmitter.once`. */
  once(event: "finish" | "close", listener: () => void): unknown;
}

/** Options shared by the web integrations. */
export interface WebScopeOptions {
  /**
   * Called when closing a request's Session fails after its response was
   * sent (nobody is left to await it). Default: a process warning.
   */
  readonly onError?: (error: unknown) => void;
}

/** The default `onError`: a process warning, since a library must not crash the server nor write to stdout. */
export function warnOnError(error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `${error}`;
  process.emitWarning(`athanor: closing a request's scoped Session failed: ${text}`);
}

/**
 * Ends `scope` when the response has been sent (`finish`) or the connection
 * went away first (`close`), whichever comes first: the only moments Node
 * tells us a request is over, whatever the handler's outcome.
 */
export function endScopeWithResponse(scope: ScopeHandle, res: NodeResponseLike, onError: (error: unknown) => void): void {
  const end = () => {
    scope.end().catch(onError);
  };
  res.once("finish", end);
  res.once("close", end);
}
