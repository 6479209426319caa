/**
 * The engine option `queryTimeout`: a client-side bound on every call to a
 * driver connection. A server-side timeout (`statementTimeout`) cannot help
 * when the network drops packets silently (a half-open connection, a
 * firewall forgetting the flow): the query or its answer never arrives, and
 * without a bound the call waits until the kernel gives up, many minutes later.
 *
 * When the bound passes, the call fails with an {@link OperationalError}
 * whose `isTimeout` and `isDisconnect` are true, and the connection is
 * closed in the background: whether the statement ran is unknown, so the
 * connection cannot be trusted again (the pool discards it, and a
 * transaction on it is lost, as after any disconnect).
 *
 * @module
 */
import { OperationalError } from "../errors/index.js";
import type { DriverConnection, DriverCursor, DriverResult } from "./interfaces.js";

/** `connection`, with each call bounded to `ms` milliseconds. */
export function withQueryTimeout(connection: DriverConnection, ms: number): DriverConnection {
  return new BoundedConnection(connection, ms);
}

class BoundedConnection implements DriverConnection {
  #expired: OperationalError | undefined;

  constructor(
    readonly inner: DriverConnection,
    readonly ms: number,
  ) {}

  get raw(): unknown {
    return this.inner.raw;
  }

  get brokenReason(): unknown {
    return this.#expired ?? this.inner.brokenReason;
  }

  execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    return this.bound(() => this.inner.execute(sql, params), sql, params);
  }

  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult> {
    return this.bound(() => this.inner.executeMany(sql, paramSets), sql, paramSets[0]);
  }

  async openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor> {
    const cursor = await this.bound(() => this.inner.openCursor(sql, params, batchSize), sql, params);
    return {
      columns: cursor.columns,
      next: () => this.bound(() => cursor.next(), sql, params),
      close: () => (this.#expired === undefined ? cursor.close() : Promise.resolve()),
    };
  }

  ping(): Promise<void> {
    return this.bound(() => this.inner.ping(), undefined, undefined);
  }

  close(): Promise<void> {
    // After a timeout the socket may never answer: close it in the background (every driver's close is itself bounded).
    if (this.#expired !== undefined) {
      void this.inner.close().catch(() => undefined);
      return Promise.resolve();
    }
    return this.inner.close();
  }

  /** Runs `call`, failing after `ms` without an answer. @internal */
  async bound<T>(call: () => Promise<T>, sql: string | undefined, params: readonly unknown[] | undefined): Promise<T> {
    if (this.#expired !== undefined) throw this.#expired;
    const work = call();
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        work.catch(() => undefined); // settles when the socket is destroyed; nobody waits for it any more
        reject((this.#expired = this.#timeoutError(sql, params)));
      }, this.ms);
    });
    try {
      return await Promise.race([work, expiry]);
    } finally {
      clearTimeout(timer);
    }
  }

  #timeoutError(sql: string | undefined, params: readonly unknown[] | undefined): OperationalError {
    return new OperationalError(
      `No answer from the database within queryTimeout (${this.ms} ms): the connection is closed, and whether the statement ran is unknown.`,
      { sql, params, isDisconnect: true, isTimeout: true },
    );
  }
}
