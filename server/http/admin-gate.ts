import type { IncomingMessage } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { Services } from "../services";

/** The administration page's address (and anything under it). */
const ADMIN_PATH = /^\/admin(?:\/|$)/;
/** A path Next has no page for: it answers with Parley's not-found page and status 404. */
export const NOT_FOUND_PATH = "/_parley/not-found";

/**
 * The administration page exists for administrators only: for anyone else (signed out, a
 * guest, a member, a session that cannot be read) the request is turned into one for a page
 * that does not exist, before Next sees it, so they get the not-found page and a 404, never
 * a glimpse of the page. The role is read now, at each request.
 */
export async function hideAdminPageFromOthers(req: IncomingMessage, services: Pick<Services, "auth" | "roles">): Promise<void> {
  const path = (req.url ?? "/").split("?")[0]!;
  if (!ADMIN_PATH.test(path)) return;
  const auth = await services.auth.authenticate(fromNodeHeaders(req.headers)).catch(() => null);
  const admin = auth !== null && !auth.account.guest && (await services.roles.isAdmin(auth.user).catch(() => false));
  if (!admin) req.url = NOT_FOUND_PATH;
}
