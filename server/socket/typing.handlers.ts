import { typingSchema } from "../contract/schemas";
import { DomainError } from "../domain/errors";
import type { HandlerContext } from "./context";
import { roomChannel } from "./types";

/**
 * Typing is relayed to the room and kept for TYPING_TTL_MS (services.typing, shared between
 * nodes), so that someone joining mid-sentence sees it too. The sender throttles
 * typing:start, receivers expire it after TYPING_TTL_MS, so a lost typing:stop costs a few
 * seconds of a stale hint at most.
 */
export function registerTypingHandlers({ handlers, broadcast, services }: HandlerContext) {
  for (const [event, typing] of [
    ["typing:start", true],
    ["typing:stop", false],
  ] as const) {
    handlers.on(event, typingSchema, async ({ roomId }, socket) => {
      const { user } = socket.data;
      if (!socket.rooms.has(roomChannel(roomId))) throw new DomainError("not_found", "Join the room first.");
      broadcast.typing(roomId, user, typing, socket.id);
      await (typing ? services.typing.start(roomId, user) : services.typing.stop(roomId, user.id));
    });
  }
}
