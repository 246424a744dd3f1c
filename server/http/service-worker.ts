import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/**
 * `GET /sw.js`: the service worker built by `scripts/build-sw.mjs`, never used from the
 * browser's HTTP cache unchecked (`no-cache`: every update check compares it with the
 * server's), so a deploy's new worker is found at the next check. The answer carries an
 * `ETag` (a hash of the body), and a check whose `If-None-Match` names it is answered
 * `304` with no body: every open tab asks again after each reconnection, and a reconnect
 * storm after a restart must not send every client the whole worker again. `revision`
 * (the `PARLEY_SW_REVISION` setting, for tests of an update without a second build) is
 * appended as a comment: a worker that differs by a byte is a new version to the browser.
 * Returns false when there is no built worker (Next answers 404).
 */
export async function serveServiceWorker(req: IncomingMessage, res: ServerResponse, root: string, revision?: string): Promise<boolean> {
  const worker = await readWorker(path.join(root, "public", "sw.js"), revision);
  if (!worker) return false;
  const headers = { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache", "Service-Worker-Allowed": "/", ETag: worker.etag };
  if (matches(req.headers["if-none-match"], worker.etag)) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : worker.body);
  return true;
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

// The file is read again only when it changed (a new build in place): its hash is not computed per request.
let cached: { file: string; mtimeMs: number; size: number; revision?: string; body: string; etag: string } | undefined;

async function readWorker(file: string, revision?: string): Promise<{ body: string; etag: string } | undefined> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return undefined;
  }
  if (cached && cached.file === file && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size && cached.revision === revision) return cached;
  let body: string;
  try {
    body = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  if (revision) body += `\n// revision ${revision.replace(/[^\w.-]/g, "")}\n`;
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  cached = { file, mtimeMs: stat.mtimeMs, size: stat.size, revision, body, etag };
  return cached;
}
