import type { ChatMessage, UserSummary } from "../contract/model";

/**
 * Everything said to a room's occupants, whatever they are connected with. Socket.IO
 * (browsers) and the /ws gateway (bots) each implement it; handlers of either transport
 * call the composite, so a bot's message reaches browsers and a browser's reaches bots,
 * through one path.
 */
export interface RoomBroadcast {
  message(message: ChatMessage): void;
  presence(roomId: string, online: UserSummary[]): void;
  /** `except`: the connection that is typing, which needs no echo. */
  typing(roomId: string, user: UserSummary, typing: boolean, except?: string): void;
  /**
   * `userId` lost access to the room (removed from it), or, with `userId` null, the room was
   * deleted: its connections stop hearing it at once.
   */
  revoked(roomId: string, userId: string | null): Promise<void>;
}

/** Broadcasts to every target in `targets`, read at each call (transports join the list as they start). */
export function compositeBroadcast(targets: readonly RoomBroadcast[]): RoomBroadcast {
  return {
    message: (m) => targets.forEach((t) => t.message(m)),
    presence: (roomId, online) => targets.forEach((t) => t.presence(roomId, online)),
    typing: (roomId, user, typing, except) => targets.forEach((t) => t.typing(roomId, user, typing, except)),
    revoked: async (roomId, userId) => {
      for (const t of targets) await t.revoked(roomId, userId);
    },
  };
}
