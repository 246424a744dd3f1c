import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createProxyServer } from "http-proxy-3";

/** The cookie that pins a browser to one node, for Socket.IO's long-polling transport. */
export const STICKY_COOKIE = "parley_node";

export interface ProxyOptions {
  /** The nodes' base URLs (http://host:port). */
  upstreams: string[];
  port?: number;
  host?: string;
  /** How often each node's /readyz is asked. */
  checkEveryMs?: number;
  log?: (line: string) => void;
}

export interface RunningProxy {
  url: string;
  port: number;
  /** Which upstreams are taking traffic now (by index). */
  healthy(): number[];
  close(): Promise<void>;
}

interface Upstream {
  index: number;
  url: string;
  healthy: boolean;
  connections: number;
}

/**
 * A small load balancer for trying a cluster on one machine (`npm run cluster`) and for the
 * multi-node tests; docs/deploy.md shows nginx for production. What it does is what a
 * production proxy must do for Parley:
 * - routes only to nodes whose `/readyz` answers 200 (checked every second, and at once when
 *   a connection to a node is refused), so a draining or dead node gets no new traffic;
 * - keeps a browser on one node with a cookie (`parley_node`), because Socket.IO's
 *   long-polling transport sends each request of a session separately; a browser whose
 *   node is gone is moved to another, where it reconnects and recovers its state;
 * - proxies WebSocket upgrades (Socket.IO and /ws) to the least busy healthy node, and sets
 *   X-Forwarded-For (nodes trust it with TRUST_PROXY=true).
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const log = options.log ?? (() => undefined);
  const upstreams: Upstream[] = options.upstreams.map((url, index) => ({ index, url, healthy: true, connections: 0 }));
  const proxy = createProxyServer({ xfwd: true, ws: true, proxyTimeout: 0 });
  // A client or node hanging up mid-stream (a killed node, a closed tab) is routine here,
  // never a reason to stop the proxy: errors without a per-request handler end up here.
  proxy.on("error", (err: Error) => log(`proxied connection ended: ${err.message}`));

  const check = async (u: Upstream) => {
    const ok = await fetch(new URL("/readyz", u.url), { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok !== u.healthy) log(`node ${u.index} (${u.url}) is ${ok ? "ready" : "not ready"}`);
    u.healthy = ok;
  };
  const timer = setInterval(() => void Promise.all(upstreams.map(check)), options.checkEveryMs ?? 1000);
  timer.unref();
  await Promise.all(upstreams.map(check));

  let turn = 0;
  /** The pinned node while it is healthy, else the healthy node with the fewest connections. */
  const choose = (req: IncomingMessage): Upstream | undefined => {
    const pinned = new RegExp(`(?:^|;\\s*)${STICKY_COOKIE}=(\\d+)`).exec(req.headers.cookie ?? "")?.[1];
    const sticky = pinned === undefined ? undefined : upstreams[Number(pinned)];
    if (sticky?.healthy) return sticky;
    // Rotate the starting point so that ties (no connections yet) spread over the nodes.
    turn++;
    const rotated = upstreams.map((_, i) => upstreams[(i + turn) % upstreams.length]!);
    return rotated.filter((u) => u.healthy).sort((a, b) => a.connections - b.connections)[0];
  };
  const refused = (u: Upstream, err: Error) => {
    if ((err as NodeJS.ErrnoException).code === "ECONNREFUSED" && u.healthy) {
      u.healthy = false;
      log(`node ${u.index} (${u.url}) refused a connection: not ready`);
      void check(u);
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = choose(req);
    if (!target) {
      res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "1" }).end("No Parley node is ready.");
      return;
    }
    res.setHeader("Set-Cookie", `${STICKY_COOKIE}=${target.index}; Path=/; HttpOnly; SameSite=Lax`);
    proxy.web(req, res, { target: target.url }, (err: Error) => {
      refused(target, err);
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
      res.end("The Parley node did not answer.");
    });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = choose(req);
    if (!target) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    target.connections++;
    socket.once("close", () => target.connections--);
    socket.on("error", () => socket.destroy());
    proxy.ws(req, socket as Socket, head, { target: target.url }, (err: Error) => {
      refused(target, err);
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    healthy: () => upstreams.filter((u) => u.healthy).map((u) => u.index),
    async close() {
      clearInterval(timer);
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
