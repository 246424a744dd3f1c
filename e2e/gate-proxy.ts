import net from "node:net";

/**
 * A TCP proxy in front of a server that can hold every byte sent to it: while `hold()` is
 * on, nothing a browser sends (a page, an API call, a WebSocket frame, on connections old or
 * new) reaches the server, so the server answers nothing, until `release()` lets it all
 * through in order. A test of "shown before the server answers" then needs no clock: the
 * server cannot have answered while the gate is held.
 */
export class GateProxy {
  private server: net.Server | undefined;
  private held = false;
  private readonly queue: Array<() => void> = [];
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  /** `delayMs`: every byte sent to the server waits this long (a slow server or network), in order. */
  constructor(
    private readonly targetPort: number,
    private readonly delayMs = 0,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port: number): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, "127.0.0.1");
      this.sockets.add(client).add(upstream);
      client.on("data", (chunk) => this.pass(() => upstream.write(chunk)));
      upstream.on("data", (chunk) => client.write(chunk));
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("close", () => this.pass(close));
      upstream.on("close", close);
      client.on("error", close);
      upstream.on("error", close);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = port;
  }

  /** From now on nothing reaches the server. */
  hold(): void {
    this.held = true;
  }

  /** Everything held goes through, in the order it came, and from now on at once. */
  release(): void {
    this.held = false;
    for (const send of this.queue.splice(0)) send();
  }

  /** How many sends wait at the gate. */
  get waiting(): number {
    return this.queue.length;
  }

  private pass(send: () => void) {
    if (this.held) this.queue.push(send);
    else if (this.delayMs > 0) setTimeout(send, this.delayMs);
    else send();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
