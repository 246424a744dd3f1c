import type { UserSummary } from "./contract/model";
import type { PresenceStore } from "./store/ports";
import type { TypingStore } from "./store/ports";
import { AttentionService } from "./domain/attention.service";
import { MessageService } from "./domain/message.service";
import { RoomService } from "./domain/room.service";
import { SearchService } from "./domain/search.service";
import { AuthService } from "./domain/auth.service";
import { TokenService } from "./domain/token.service";
import type { BetterAuth } from "./auth/better-auth";
import type { Repositories, SessionStore, TokenRepository } from "./store/ports";

/** The domain, wired to its stores. Handlers (socket and HTTP) receive this and nothing else. */
export interface Services {
  auth: AuthService;
  tokens: TokenService;
  rooms: RoomService;
  messages: MessageService;
  attention: AttentionService;
  search: SearchService;
  presence: PresenceStore;
  typing: TypingStore;
}

export function createServices(
  repos: Repositories,
  live: { presence: PresenceStore; typing: TypingStore },
  auth: { betterAuth: BetterAuth; sessions: SessionStore; tokens: TokenRepository },
  options: { guestDirectMessages: boolean; beforeNewDirect?: (user: UserSummary) => Promise<void> } = { guestDirectMessages: true },
): Services {
  const rooms = new RoomService(repos.rooms, undefined, options);
  return {
    auth: new AuthService(auth.betterAuth, auth.sessions),
    tokens: new TokenService(auth.tokens),
    rooms,
    messages: new MessageService(repos.messages, rooms, repos.rooms, repos.attention),
    attention: new AttentionService(repos.attention, rooms),
    search: new SearchService(repos.search, rooms, repos.rooms),
    presence: live.presence,
    typing: live.typing,
  };
}
