import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import contentDisposition from "content-disposition";
import parseRange from "range-parser";
import { fromNodeHeaders } from "better-auth/node";
import { INLINE_IMAGE_TYPES } from "../contract/files";
import { DomainError } from "../domain/errors";
import type { FileActor } from "../domain/file.service";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILE_PATH = /^\/api\/files\/([^/]+)(\/thumbnail)?$/;

/** Statuses of the file routes' refusals (the rest are 400). */
export const FILE_ERROR_STATUS: Record<string, number> = {
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  uploads_off: 403,
  file_too_large: 413,
  file_quota_exceeded: 413,
  file_unavailable: 409,
  not_an_image: 415,
  rate_limited: 429,
};

/**
 * The person behind a request: a browser's session cookie, or a bot's personal API token
 * (`Authorization: Bearer prl_…`), read fresh at every request. Null when neither is valid.
 */
async function requester(req: IncomingMessage, services: Services): Promise<FileActor | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (bearer) {
    const found = await services.tokens.authenticate(bearer);
    return found ? { ...found.user, guest: false } : null;
  }
  const auth = await services.auth.authenticate(fromNodeHeaders(req.headers));
  return auth ? { ...auth.user, guest: auth.account.guest } : null;
}

/**
 * Parley's file endpoints (docs/protocol.md#files):
 * - `PUT /api/files/<uuid>?name=<file name>[&purpose=avatar]`: upload the request body as
 *   that file (the id is the client's: a retry stores nothing twice). 201 with the
 *   attachment; 200 for a retry. A profile picture must be an image (415 `not_an_image`).
 * - `GET|HEAD /api/files/<uuid>` and `/api/files/<uuid>/thumbnail`: the bytes, to whoever may
 *   read them now; 404 to anyone else (signed out included), never a hint that it exists.
 * - `GET /api/files/limits`: the limits the browser checks before uploading.
 * Every other path under `/api/files/` is a 404 of Parley's own.
 */
export function createFileRoutes(deps: { services: Services; policy: SecurityPolicy }) {
  const { services, policy } = deps;

  return async function fileRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === "/api/files/limits") {
      if (req.method !== "GET") throw new DomainError("invalid_payload", "Use GET.");
      const actor = await requester(req, services);
      if (!actor) throw new DomainError("unauthorized", "Not signed in.");
      json(res, 200, services.files.limitsFor(actor));
      return true;
    }
    const match = FILE_PATH.exec(path);
    // Anything else under /api/files/ is Parley's 404 too, never Next's page.
    if (!match) throw new DomainError("not_found", "There is no such file.");
    const id = match[1]!.toLowerCase();
    const variant = match[2] ? "thumbnail" : "original";
    if (req.method === "PUT" && variant === "original") {
      await upload(req, res, id);
      return true;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      await download(req, res, id, variant);
      return true;
    }
    res.setHeader("Allow", variant === "original" ? "GET, HEAD, PUT" : "GET, HEAD");
    throw new DomainError("invalid_payload", "Method not allowed.");
  };

  async function upload(req: IncomingMessage, res: ServerResponse, id: string) {
    res.setHeader("Connection", "close"); // a refused body is not read: the connection ends with the answer
    if (!UUID.test(id)) throw new DomainError("invalid_payload", "A file id is a UUID chosen by the client.");
    const bearer = req.headers.authorization !== undefined;
    // A browser's upload rides on its cookie: only from Parley's own pages.
    if (!bearer && !policy.originAllowed(req)) throw new DomainError("unauthorized", "Cross-site request refused.");
    const actor = await requester(req, services);
    if (!actor) throw new DomainError("unauthorized", "Not signed in.");
    await policy.beforeUpload(actor);
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const name = query.get("name") ?? "file";
    const purpose = query.get("purpose") ?? "message";
    if (purpose !== "message" && purpose !== "avatar") throw new DomainError("invalid_payload", "purpose is message or avatar.");
    const length = req.headers["content-length"];
    const declaredSize = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    const retry = await services.files.admit(actor, id, declaredSize);
    if (retry) {
      res.removeHeader("Connection");
      req.resume();
      json(res, 200, retry);
      return;
    }
    let stored;
    try {
      stored = await services.files.upload(actor, { id, name, declaredSize, purpose }, req);
    } catch (err) {
      // The client went away mid-upload (a removed attachment, a closed tab): nothing was kept, nobody to answer.
      if (req.destroyed && !(err instanceof DomainError)) return void res.destroy();
      throw err;
    }
    res.removeHeader("Connection");
    json(res, 201, stored);
  }

  async function download(req: IncomingMessage, res: ServerResponse, id: string, variant: "original" | "thumbnail") {
    const notFound = new DomainError("not_found", "There is no such file.");
    if (!UUID.test(id)) throw notFound;
    const actor = await requester(req, services);
    if (!actor) throw notFound;
    const file = await services.files.download(actor, id, variant);
    // Inline only what was decoded and written again here (a PNG, JPEG, GIF or WebP within the
    // pixel limit, and thumbnails): a bomb or anything else is a download.
    const inline = !!file.file.image && (INLINE_IMAGE_TYPES as readonly string[]).includes(file.type) && new URL(req.url ?? "/", "http://x").searchParams.get("download") === null;
    const etag = `"${file.file.key}${variant === "thumbnail" ? "-t" : ""}"`;
    const name = variant === "thumbnail" ? file.file.name.replace(/\.[^.]*$/, "") + ".webp" : file.file.name;
    res.setHeader("Content-Type", file.type);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Content-Disposition", contentDisposition(name, { type: inline ? "inline" : "attachment" }));
    // Kept by the browser only, and asked again each time: access is checked at every request.
    res.setHeader("Cache-Control", "private, no-cache");
    res.setHeader("ETag", etag);
    res.setHeader("Accept-Ranges", "bytes");
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304).end();
      return;
    }
    let range: { start: number; end: number } | undefined;
    const header = req.headers.range;
    if (header) {
      const ranges = parseRange(file.size, header, { combine: true });
      if (ranges === -1) {
        res.writeHead(416, { "Content-Range": `bytes */${file.size}` }).end();
        return;
      }
      if (ranges !== -2 && ranges.type === "bytes" && ranges.length === 1) range = ranges[0];
    }
    const length = range ? range.end - range.start + 1 : file.size;
    res.setHeader("Content-Length", String(length));
    if (range) res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    res.statusCode = range ? 206 : 200;
    if (req.method === "HEAD" || length === 0) {
      res.end();
      return;
    }
    const stream = await file.open(range);
    if (!stream) throw notFound;
    await pipeline(stream, res).catch(() => res.destroy());
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}
