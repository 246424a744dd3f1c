import type { IncomingMessage, ServerResponse } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { ErrorBody } from "../contract/errors";
import type { AccountInfo, UserSummary } from "../contract/model";
import { DomainError, UNAVAILABLE } from "../domain/errors";
import { createFileRoutes, FILE_ERROR_STATUS } from "./files";
import { isDatabaseUnavailable } from "../store/unavailable";
import type { Logger } from "../logger";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";

const MAX_JSON_BYTES = 4 * 1024;

export interface HttpRouteDeps {
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  /** Whether this node may take traffic now, and why not (draining, a dependency down). */
  checkReadiness: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** Closes the sockets of a session that just signed out. */
  onSignOut: (sessionId: string) => void;
  /** A guest's session was replaced by an account's: its open sockets carry on under the new one. */
  onSessionRotated: (from: string, to: string) => void;
}

/**
 * Parley's own HTTP endpoints, served before Next sees the request:
 * - `GET /healthz`: liveness: 200 whenever the process and its event loop answer. It asks no
 *   dependency: during a database or Redis outage a node must stay up and keep its sockets
 *   (sends fail as retryable until the database is back), not be restarted by an
 *   orchestrator. The server listens only once Next, Socket.IO and the database are ready,
 *   so nothing answers 200 before start-up is done.
 * - `GET /readyz`: 200 when this node may take traffic: the database and Redis (when
 *   configured) answer and it is not draining; 503 with the failing checks otherwise.
 * - `GET /api/session`: who am I (401 without a valid session).
 * - `POST /api/session` `{ displayName }`: continue as a guest; sets the session cookie.
 * - `DELETE /api/session`: sign out; closes this session's sockets.
 * - `POST /api/account/sign-up` `{ username, password, displayName? }`: create an account;
 *   from a guest session, the guest becomes that account and keeps their history.
 * - `POST /api/account/sign-in` `{ username, password }`: sign in (throttled per IP and username).
 * - `POST /api/account/password` `{ currentPassword, newPassword }`: one's own new password
 *   (accounts; throttled as sign-in is); every other session of the account ends.
 * Returns false for any other path.
 */
export function createHttpRoutes(deps: HttpRouteDeps) {
  const { services, policy, log } = deps;
  /** An account's info with whether it administers the instance (read now): the UI links /admin for them. */
  const withRole = async (user: UserSummary, account: AccountInfo): Promise<AccountInfo> => (account.guest ? account : { ...account, admin: await services.roles.isAdmin(user) });
  const files = createFileRoutes(deps);

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    try {
      if (path === "/healthz") {
        if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET, HEAD");
        send(res, 200, { status: "ok" });
        return true;
      }
      if (path === "/readyz") {
        if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET, HEAD");
        const { ready, checks } = await deps.checkReadiness();
        send(res, ready ? 200 : 503, { status: ready ? "ready" : "unavailable", checks });
        return true;
      }
      if (path.startsWith("/api/files/")) return await files(req, res, path);
      if (path !== "/api/session" && !path.startsWith("/api/account/")) return false;
      // Cross-site requests may not change anyone's session (SameSite=Lax is the first line).
      if (req.method !== "GET" && req.method !== "HEAD" && !policy.originAllowed(req)) {
        sendError(res, 403, { code: "unauthorized", message: "Cross-site request refused." });
        return true;
      }
      const headers = fromNodeHeaders(req.headers);
      const ip = policy.clientIp(req);
      switch (`${req.method} ${path}`) {
        case "GET /api/session": {
          const auth = await services.auth.authenticate(headers);
          if (!auth) sendError(res, 401, { code: "unauthorized", message: "Not signed in." });
          else send(res, 200, { user: auth.user, account: await withRole(auth.user, auth.account) });
          return true;
        }
        case "POST /api/session": {
          await policy.beforeSignIn(ip);
          const body = (await readJson(req)) as { displayName?: unknown } | null;
          const result = await services.auth.startGuest(body?.displayName, headers, ip);
          res.setHeader("Set-Cookie", result.setCookie);
          send(res, 201, { user: result.user, account: result.account });
          return true;
        }
        case "DELETE /api/session": {
          const { sessionId, setCookie } = await services.auth.signOut(headers);
          if (sessionId) deps.onSignOut(sessionId);
          res.setHeader("Set-Cookie", setCookie);
          res.writeHead(204).end();
          return true;
        }
        case "POST /api/account/sign-up": {
          await policy.beforeSignIn(ip);
          const result = await services.auth.signUp(await readJson(req), headers, ip);
          if (result.setCookie.length > 0) res.setHeader("Set-Cookie", result.setCookie);
          if (result.rotated) deps.onSessionRotated(result.rotated.from, result.rotated.to);
          send(res, 201, { user: result.user, account: await withRole(result.user, result.account) });
          return true;
        }
        case "POST /api/account/sign-in": {
          const body = (await readJson(req)) as { username?: unknown } | null;
          await policy.beforePasswordAttempt(ip, typeof body?.username === "string" ? body.username : "");
          const result = await services.auth.signIn(body, headers, ip);
          res.setHeader("Set-Cookie", result.setCookie);
          send(res, 200, { user: result.user, account: await withRole(result.user, result.account) });
          return true;
        }
        case "POST /api/account/password": {
          const current = await services.auth.authenticate(headers);
          // Guessing the current password is a password attempt: the sign-in budget per address and account.
          await policy.beforePasswordAttempt(ip, current?.account.username ?? "");
          const { ended } = await services.auth.changePassword(headers, await readJson(req));
          send(res, 200, { ended });
          return true;
        }
        default:
          if (path === "/api/session") return methodNotAllowed(res, "GET, POST, DELETE");
          if (path === "/api/account/sign-up" || path === "/api/account/sign-in" || path === "/api/account/password") return methodNotAllowed(res, "POST");
          sendError(res, 404, { code: "not_found", message: "No such endpoint." });
          return true;
      }
    } catch (err) {
      if (err instanceof DomainError) {
        if (err.code === "rate_limited") log.warn({ ip: policy.clientIp(req), path }, "request refused: rate limited");
        const status = (path.startsWith("/api/files/") ? FILE_ERROR_STATUS : { rate_limited: 429, invalid_credentials: 401, unauthorized: 401, username_taken: 409, forbidden: 403 } as Partial<Record<string, number>>)[err.code] ?? 400;
        sendError(res, status, { code: err.code, message: err.message });
      }
      else if (err instanceof BadRequest) sendError(res, err.status, { code: "invalid_payload", message: err.message });
      else if (isDatabaseUnavailable(err)) {
        log.warn({ err, path }, "database unavailable");
        res.setHeader("Retry-After", "5");
        sendError(res, 503, UNAVAILABLE);
      } else {
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
