import type { HandlerContext } from "./context";

/**
 * Sending (acknowledged after commit, published once), history pages, edits, deletions,
 * reactions and their catch-up, and typing: the hub's.
 */
export function registerMessageHandlers({ handlers }: HandlerContext) {
  handlers.hub("message:send");
  handlers.hub("message:history");
  handlers.hub("message:edit");
  handlers.hub("message:delete");
  handlers.hub("reaction:add");
  handlers.hub("reaction:remove");
  handlers.hub("message:changes");
  handlers.hub("message:search");
  handlers.hub("user:block");
  handlers.hub("user:blocks");
  handlers.hub("typing:start");
  handlers.hub("typing:stop");
}
