import type { PresenceStore } from "./domain/presence";
import { MessageService } from "./domain/message.service";
import { RoomService } from "./domain/room.service";
import { SessionService } from "./domain/session.service";
import type { Repositories } from "./store/repositories";

/** The domain, wired to its stores. Handlers (socket and HTTP) receive this and nothing else. */
export interface Services {
  sessions: SessionService;
  rooms: RoomService;
  messages: MessageService;
  presence: PresenceStore;
}

export function createServices(repos: Repositories, presence: PresenceStore): Services {
  const rooms = new RoomService(repos.rooms);
  return {
    sessions: new SessionService(repos.sessions),
    rooms,
    messages: new MessageService(repos.messages, rooms),
    presence,
  };
}
