import type { UserSummary } from "../contract/model";

/**
 * Who is typing in which room, kept so that someone who joins mid-sentence sees it too.
 * An entry lasts TYPING_TTL_MS after the last typing:start (the sender repeats it while
 * typing) and ends at once on typing:stop. In process by default; in Redis with several nodes.
 */
export interface TypingStore {
  start(roomId: string, user: UserSummary): Promise<void>;
  stop(roomId: string, userId: string): Promise<void>;
  /** Who is typing now. */
  list(roomId: string): Promise<UserSummary[]>;
}
