/**
 * Whether an error means "the database cannot be reached right now" (an outage, a restart,
 * a pool that cannot get a connection) rather than "this request is wrong" or a bug. Such a
 * refusal is answered with the retryable code `unavailable`: the client keeps the message in
 * its outbox and sends it again, and it is stored once (its `clientId`).
 *
 * Recognised along the error's cause chain:
 * - Prisma: P1001 (cannot reach), P1002 (timed out), P1017 (server closed the connection),
 *   P2024 (no pool connection in time), P2028 (transaction could not start in time);
 * - driver adapters: `DatabaseNotReachable`, `ConnectionClosed`, `SocketTimeout`,
 *   `TooManyConnections`;
 * - node-postgres itself: socket errors (`ECONNREFUSED`, `ECONNRESET`, …), SQLSTATE class 08
 *   (connection exception), 57P01–57P03 (shutting down, cannot connect now), and
 *   "Connection terminated" when the server goes away mid-query, and a pool that found no
 *   connection in time ("timeout exceeded when trying to connect");
 * - SQLite: `SQLITE_BUSY` past its timeout (another writer holds the file).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const { code, kind, message, meta, cause } = e as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
      cause?: unknown;
    };
    if (typeof code === "string" && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATES.test(code))) return true;
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    const adapterKind = meta?.driverAdapterError?.cause?.kind;
    if (typeof adapterKind === "string" && ADAPTER_KINDS.has(adapterKind)) return true;
    if (typeof message === "string" && /Connection terminated|Can't reach database server|timeout exceeded when trying to connect|SQLITE_BUSY/.test(message)) return true;
    e = cause;
  }
  return false;
}

const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024", "P2028"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "SQLITE_BUSY"]);
/** SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server is going away). */
const SQLSTATES = /^(08[0-9A-Z]{3}|57P0[123])$/;
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
