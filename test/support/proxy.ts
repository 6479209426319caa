/**
 * A TCP proxy on 127.0.0.1 in front of a database server, for network faults
 * without touching the shared server: with `blackhole` set it keeps every
 * socket open and drops whatever either side sends, as a network that loses
 * packets without a reset does; `dropAll()` is a server restart as the
 * clients see it, `stop()`/`resume()` a server down and back.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export class BlackholeProxy {
  /** While true, bytes in both directions are dropped silently. */
  blackhole = false;

  private constructor(
    readonly server: Server,
    readonly port: number,
    readonly sockets: Set<Socket>,
  ) {}

  /** Starts a proxy forwarding to `host:port`. */
  static async start(host: string, port: number): Promise<BlackholeProxy> {
    const holder: { proxy?: BlackholeProxy } = {}; // set once listening, before any connection arrives
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(port, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => {
          sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on("data", (data: Buffer) => {
        if (holder.proxy?.blackhole !== true) upstream.write(data);
      });
      upstream.on("data", (data: Buffer) => {
        if (holder.proxy?.blackhole !== true) client.write(data);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    holder.proxy = new BlackholeProxy(server, (server.address() as { port: number }).port, sockets);
    return holder.proxy;
  }

  /** `url` (a database URL) with its host and port replaced by the proxy's. */
  static route(url: string, proxy: BlackholeProxy): string {
    const parsed = new globalThis.URL(url);
    parsed.hostname = "127.0.0.1";
    parsed.port = String(proxy.port);
    return parsed.toString();
  }

  /** Closes every proxied connection, as a server restart does; new connections are still accepted. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Stops listening and drops every connection: the server is down (connections are refused). */
  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port: the server is back. */
  async resume(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
  }

  async close(): Promise<void> {
    this.dropAll();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The host and port a database URL points at (`defaultPort` when it names none). */
export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new globalThis.URL(url);
  return { host: parsed.hostname, port: parsed.port === "" ? defaultPort : Number(parsed.port) };
}
