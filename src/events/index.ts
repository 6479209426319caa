/**
 * A small typed listener registry. Each layer declares the events it fires as
 * a map from event name to the listener's argument tuple.
 *
 * @module
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyArgs = any[];

/** A map from event name to the arguments its listeners receive. */
export type EventMap = { [name: string]: AnyArgs };

/** A listener for event `K` of map `M`. */
export type Listener<M extends EventMap, K extends keyof M> = (...args: M[K]) => void;

/**
 * Typed listeners, called synchronously in registration order.
 * A listener that throws stops the operation that fired the event: that is how
 * a `checkout` listener can refuse a connection, as in SQLAlchemy.
 */
export class Events<M extends EventMap> {
  readonly #listeners = new Map<keyof M, Listener<M, keyof M>[]>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(event: K, listener: Listener<M, K>): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as Listener<M, keyof M>);
    this.#listeners.set(event, list);
    return () => this.off(event, listener);
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof M>(event: K, listener: Listener<M, K>): () => void {
    const off = this.on(event, ((...args: M[K]) => {
      off();
      listener(...args);
    }) as Listener<M, K>);
    return off;
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof M>(event: K, listener: Listener<M, K>): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const index = list.indexOf(listener as Listener<M, keyof M>);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
  }

  /** True when at least one listener is registered for the event (lets hot paths skip work). */
  has(event: keyof M): boolean {
    return this.#listeners.has(event);
  }

  /** Calls every listener of the event with the arguments. */
  emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (const listener of [...list]) listener(...args);
  }
}
