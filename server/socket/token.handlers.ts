import { roomListSchema, tokenCreateSchema, tokenRevokeSchema } from "../contract/schemas";
import type { HandlerContext } from "./context";

/** Personal API tokens, managed from the settings page. */
export function registerTokenHandlers({ services, handlers }: HandlerContext) {
  handlers.on("token:create", tokenCreateSchema, ({ name }, socket) => services.tokens.create(socket.data.user, name));
  handlers.on("token:list", roomListSchema, async (_input, socket) => ({ tokens: await services.tokens.list(socket.data.user) }));
  handlers.on("token:revoke", tokenRevokeSchema, async ({ id }, socket) => {
    await services.tokens.revoke(socket.data.user, id);
    return {};
  });
}
