let nextId = 1;

/**
 * The pool's bookkeeping for one connection: when it was opened and a place for
 * user data that lives as long as the connection (`info`).
 */
export class ConnectionRecord<C> {
  /** A number unique in this process, for logs. */
  readonly id = nextId++;
  /** When the connection was opened (ms since the epoch). */
  readonly createdAt = Date.now();
  /** When it was last handed out. */
  lastCheckout = 0;
  /** Free storage for listeners and the engine, cleared with the connection. */
  readonly info = new Map<string, unknown>();
  /** True once closed or invalidated. */
  closed = false;

  constructor(
    readonly connection: C,
    /** The pool generation it was opened in; an older generation is stale. */
    readonly generation: number,
  ) {}
}
