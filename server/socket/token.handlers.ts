import { roomListSchema, tokenCreateSchema, tokenRevokeSchema } from "../contract/schemas";
import type { HandlerContext } from "./context";

/** Personal API tokens, managed from the settings page. */
export function registerTokenHandlers({ socket, services, on }: HandlerContext) {
  const { user } = socket.data;
  on("token:create", tokenCreateSchema, ({ name }) => services.tokens.create(user, name));
  on("token:list", roomListSchema, async () => ({ tokens: await services.tokens.list(user) }));
  on("token:revoke", tokenRevokeSchema, async ({ id }) => {
    await services.tokens.revoke(user, id);
    return {};
  });
}
