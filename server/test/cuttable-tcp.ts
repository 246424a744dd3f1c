import net from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP forwarder a test can cut: while cut, every open connection through it is destroyed
 * and new ones are refused (ECONNREFUSED: the port is closed), as when a database server
 * goes away; `restore()` listens on the same port again.
 */
export class CuttableTcp {
  private server: net.Server | undefined;
  private readonly open = new Set<net.Socket>();
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<CuttableTcp> {
    const forwarder = new CuttableTcp(targetHost, targetPort);
    await forwarder.restore();
    return forwarder;
  }

  /** Listens (again) on the same port, forwarding every connection to the target. */
  async restore(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on("close", () => this.open.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and drops every open one. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.open) s.destroy();
    this.open.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.cut();
  }
}
