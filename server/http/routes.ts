import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookie } from "cookie";
import type { ErrorBody } from "../contract/errors";
import { DomainError } from "../domain/errors";
import type { Logger } from "../logger";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";
import { clearedSessionCookie, SESSION_COOKIE, sessionCookie } from "./session.cookie";

const MAX_JSON_BYTES = 4 * 1024;

export interface HttpRouteDeps {
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  /** Resolves when every dependency answers; /healthz says 503 otherwise. */
  checkHealth: () => Promise<void>;
  /** Closes the sockets of a session that just signed out. */
  onSignOut: (sessionId: string) => void;
}

/**
 * Parley's own HTTP endpoints, served before Next sees the request:
 * - `GET /healthz`: 200 when Next, Socket.IO and the database are ready.
 * - `GET /api/session`: who am I (401 without a valid session).
 * - `POST /api/session` `{ displayName }`: continue as a guest; sets the session cookie.
 * - `DELETE /api/session`: sign out; closes this session's sockets.
 * Returns false for any other path.
 */
export function createHttpRoutes(deps: HttpRouteDeps) {
  const { services, policy, log } = deps;

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? "/").split("?")[0];
    try {
      if (path === "/healthz") {
        if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET, HEAD");
        try {
          await deps.checkHealth();
          send(res, 200, { status: "ok" });
        } catch (err) {
          log.warn({ err }, "health check failed");
          send(res, 503, { status: "unavailable" });
        }
        return true;
      }
      if (path !== "/api/session") return false;
      // Cross-site requests may not change anyone's session (SameSite=Lax is the first line).
      if (req.method !== "GET" && req.method !== "HEAD" && !policy.originAllowed(req)) {
        sendError(res, 403, { code: "unauthorized", message: "Cross-site request refused." });
        return true;
      }

      const secure = isHttps(req);
      const token = parseCookie(req.headers.cookie ?? "")[SESSION_COOKIE];
      switch (req.method) {
        case "GET": {
          const auth = await services.sessions.authenticate(token);
          if (!auth) sendError(res, 401, { code: "unauthorized", message: "Not signed in." });
          else send(res, 200, { user: auth.user });
          return true;
        }
        case "POST": {
          await policy.beforeSignIn(policy.clientIp(req));
          const body = await readJson(req);
          const issued = await services.sessions.startGuest((body as { displayName?: unknown } | null)?.displayName);
          res.setHeader("Set-Cookie", sessionCookie(issued.token, issued.expiresAt, secure));
          send(res, 201, { user: issued.user });
          return true;
        }
        case "DELETE": {
          const auth = await services.sessions.authenticate(token);
          if (auth) {
            await services.sessions.end(auth.sessionId);
            deps.onSignOut(auth.sessionId);
          }
          res.setHeader("Set-Cookie", clearedSessionCookie(secure));
          res.writeHead(204).end();
          return true;
        }
        default:
          return methodNotAllowed(res, "GET, POST, DELETE");
      }
    } catch (err) {
      if (err instanceof DomainError) {
        sendError(res, err.code === "rate_limited" ? 429 : 400, { code: err.code, message: err.message });
      }
      else if (err instanceof BadRequest) sendError(res, err.status, { code: "invalid_payload", message: err.message });
      else {
        log.error({ err, path }, "http route failed");
        sendError(res, 500, { code: "internal", message: "Something went wrong on the server." });
      }
      return true;
    }
  };
}

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
    throw new BadRequest(415, "Send JSON (Content-Type: application/json).");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new BadRequest(413, "Request body too large.");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BadRequest(400, "The request body is not valid JSON.");
  }
}

function isHttps(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers["x-forwarded-proto"] === "https";
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: ErrorBody) {
  send(res, status, { error });
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader("Allow", allow);
  sendError(res, 405, { code: "invalid_payload", message: `Method not allowed; use ${allow}.` });
  return true;
}
