import fs from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/**
 * `GET /sw.js`: the service worker built by `scripts/build-sw.mjs`, never cached by the
 * browser's HTTP cache (`no-cache`: every update check compares it with the server's), so a
 * deploy's new worker is found at the next check. `revision` (the `PARLEY_SW_REVISION`
 * setting, for tests of an update without a second build) is appended as a comment: a
 * worker that differs by a byte is a new version to the browser. Returns false when there
 * is no built worker (Next answers 404).
 */
export async function serveServiceWorker(req: IncomingMessage, res: ServerResponse, root: string, revision?: string): Promise<boolean> {
  let body: string;
  try {
    body = await fs.readFile(path.join(root, "public", "sw.js"), "utf8");
  } catch {
    return false;
  }
  if (revision) body += `\n// revision ${revision.replace(/[^\w.-]/g, "")}\n`;
  res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache", "Service-Worker-Allowed": "/" });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
