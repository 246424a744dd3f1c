import net from "node:net";
import type { Server as HttpServer } from "node:http";
import type { Logger } from "../logger";

/**
 * Connections the kernel may hold for Parley before it accepts them (capped by the system's
 * `net.core.somaxconn`, 4096 on current Linux). Node's default is 511: in a reconnect storm
 * of 5,000 clients after a restart, the kernel dropped about 58,000 connection attempts on
 * a full queue, each of which then waited for TCP to try again (1 s, 3 s, 7 s...), against
 * about 2,700 with 4096 (docs/performance.md, run AH).
 */
export const LISTEN_BACKLOG = 4096;

/** The most listening sockets LISTEN_SOCKETS may ask for. */
export const MAX_LISTEN_SOCKETS = 64;

/** Whether this Node can bind several sockets to one port (`reusePort`: Node 22.12+ and 23.1+). */
export function reusePortSupported(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/**
 * Listens on `port`, with `sockets` listening sockets on it (LISTEN_SOCKETS, default 1).
 *
 * Why more than one: since libuv 1.45 (Node 20) a listening socket accepts **one**
 * connection per turn of the event loop (libuv/libuv#3696). An idle node turns thousands of
 * times a second, but one busy with a restart's rejoins turned ~150 times a second on the
 * bench's machine, so its clients came in at ~150 a second however many waited in the
 * kernel's queue (docs/performance.md, run AM). With `reusePort`, several sockets share the
 * port, the kernel spreads new connections over them, and each accepts one per turn. Every
 * connection is handed to the one HTTP server: Next, Socket.IO and /ws see no difference.
 *
 * The cost: with `reusePort`, a second process of the same user may bind the port too and
 * take a share of the connections instead of failing with EADDRINUSE. Hence off by default.
 * Where Node lacks `reusePort` (before 22.12), one socket, with a warning.
 *
 * Returns the extra sockets, to be closed with the server.
 */
export async function listen(httpServer: HttpServer, options: { port: number; host: string; sockets: number; log: Logger }): Promise<net.Server[]> {
  let sockets = Math.max(1, Math.min(MAX_LISTEN_SOCKETS, Math.floor(options.sockets)));
  if (sockets > 1 && !reusePortSupported()) {
    options.log.warn({ listenSockets: sockets, node: process.versions.node }, "LISTEN_SOCKETS needs Node 22.12 or later (reusePort): listening on one socket");
    sockets = 1;
  }
  const shared = sockets > 1 ? { reusePort: true } : {};
  await listening(httpServer, { port: options.port, host: options.host, backlog: LISTEN_BACKLOG, ...shared });
  const bound = httpServer.address() as net.AddressInfo;
  const extras: net.Server[] = [];
  try {
    for (let i = 1; i < sockets; i++) {
      const extra = net.createServer((socket) => httpServer.emit("connection", socket));
      await listening(extra, { port: bound.port, host: bound.address, backlog: LISTEN_BACKLOG, ...shared });
      extras.push(extra);
    }
  } catch (err) {
    for (const extra of extras) extra.close();
    httpServer.close();
    throw err;
  }
  return extras;
}

function listening(server: net.Server, options: net.ListenOptions & { reusePort?: boolean }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
