import type { HandlerContext } from "./context";

/** Follows and read positions (unread counts): the hub's. */
export function registerAttentionHandlers({ handlers }: HandlerContext) {
  handlers.hub("attention:sync");
  handlers.hub("read:mark");
  handlers.hub("read:all");
  handlers.hub("room:unfollow");
  handlers.hub("room:notify");
}
