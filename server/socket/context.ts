import type { Logger } from "../logger";
import type { RoomBroadcast } from "../realtime/broadcast";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";
import type { ParleyServer } from "./types";
import type { SocketHandlers } from "./validate";

/**
 * What every socket handler module receives, once per server: handlers register through
 * `handlers` and get their socket with each event.
 */
export interface HandlerContext {
  io: ParleyServer;
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  handlers: SocketHandlers;
  /** To every occupant of a room, browsers and bots alike. */
  broadcast: RoomBroadcast;
}
