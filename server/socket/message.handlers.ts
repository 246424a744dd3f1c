import type { HandlerContext } from "./context";

/** Sending (acknowledged after commit, published once), history pages and typing: the hub's. */
export function registerMessageHandlers({ handlers }: HandlerContext) {
  handlers.hub("message:send");
  handlers.hub("message:history");
  handlers.hub("typing:start");
  handlers.hub("typing:stop");
}
