import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger";

/**
 * Requests logged at `debug`, not `info`: the page's assets, Socket.IO's long-polling (a
 * request every 25 s per browser until it upgrades), and the orchestrator's health probes.
 */
const QUIET = /^\/(?:_next\/|socket\.io\/|healthz$|readyz$|favicon\.ico$|icons\/|sw\.js$|manifest\.webmanifest$)|\.(?:js|css|map|png|svg|ico|woff2?|webmanifest|txt)$/;

/**
 * One line per HTTP request when its answer is finished (or the client went away): method,
 * path (never the query string, which can carry an invite or a session id), status, time.
 */
export function logRequest(req: IncomingMessage, res: ServerResponse, log: Logger): void {
  const start = performance.now();
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const done = () => {
    res.off("finish", done);
    res.off("close", done);
    const line = { method: req.method, path, status: res.writableFinished ? res.statusCode : "aborted", ms: Math.round(performance.now() - start) };
    if (QUIET.test(path)) log.debug(line, "request");
    else log.info(line, "request");
  };
  res.once("finish", done);
  res.once("close", done);
}
