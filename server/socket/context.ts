import type { Logger } from "../logger";
import type { RoomBroadcast } from "../realtime/broadcast";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";
import type { ParleyServer, ParleySocket } from "./types";
import type { On } from "./validate";

/** What every socket handler module receives for one connection. */
export interface HandlerContext {
  io: ParleyServer;
  socket: ParleySocket;
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  /** The client's address, for per-IP limits. */
  ip: string;
  on: On;
  /** To every occupant of a room, browsers and bots alike. */
  broadcast: RoomBroadcast;
}
