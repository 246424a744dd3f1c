import { pushSubscribeSchema, pushUnsubscribeSchema, roomListSchema } from "../contract/schemas";
import { DomainError } from "../domain/errors";
import type { HandlerContext } from "./context";

/** Web Push subscriptions of the signed-in user's browsers (browsers only: bots have sockets of their own). */
export function registerPushHandlers({ handlers, push, policy }: HandlerContext) {
  handlers.on("push:key", roomListSchema, async () => ({ publicKey: push?.publicKey ?? null }));
  handlers.on("push:subscribe", pushSubscribeSchema, async (sub, socket) => {
    if (!push) throw new DomainError("unavailable", "Web Push is not set up on this server.");
    const { user, sessionId } = socket.data;
    await push.subscribe({ userId: user.id, sessionId }, sub, () => policy.beforePushSubscribe(user));
    return {};
  });
  handlers.on("push:unsubscribe", pushUnsubscribeSchema, async ({ endpoint }, socket) => {
    await push?.unsubscribe(socket.data.user.id, endpoint);
    return {};
  });
}
