import type { ChatMessage, UserSummary } from "../contract/model";

/**
 * Everything said to a room's occupants, whatever they are connected with. Socket.IO
 * (browsers) and the /ws gateway (bots) each implement it; handlers of either transport
 * call one broadcast (`realtime/cluster.ts`), so a bot's message reaches browsers and a browser's reaches bots,
 * through one path, on every node.
 */
export interface RoomBroadcast {
  message(message: ChatMessage): void;
  /**
   * The room's presence list changed. A transport sends `online`; the broadcast handlers
   * call (`realtime/cluster.ts`) gathers changes for a moment and sends the list as it is
   * then, so `online` is only a hint there.
   */
  presence(roomId: string, online: UserSummary[]): void;
  /** `except`: the connection that is typing, which needs no echo. */
  typing(roomId: string, user: UserSummary, typing: boolean, except?: string): void;
  /**
   * `userId` lost access to the room (removed from it), or, with `userId` null, the room was
   * deleted: its connections stop hearing it at once.
   */
  revoked(roomId: string, userId: string | null): Promise<void>;
}

/**
 * A broadcast handed to the transports before it exists: the transports need it when they
 * are made, and it needs them (`set` it once they are). A call before `set` is a bug.
 */
export function lateBroadcast(): RoomBroadcast & { set(target: RoomBroadcast): void } {
  let target: RoomBroadcast | undefined;
  const get = () => {
    if (!target) throw new Error("broadcast used before the transports were wired");
    return target;
  };
  return {
    set: (t) => void (target = t),
    message: (m) => get().message(m),
    presence: (roomId, online) => get().presence(roomId, online),
    typing: (roomId, user, typing, except) => get().typing(roomId, user, typing, except),
    revoked: (roomId, userId) => get().revoked(roomId, userId),
  };
}
