import type { PushService } from "../push/push.service";
import type { RoomHub } from "../realtime/hub";
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
  handlers: SocketHandlers;
  /** The room hub: room use-cases, and revocation on every transport and node. */
  hub: RoomHub;
  /** Web Push (absent when it is off: PostgreSQL without VAPID keys). */
  push?: PushService;
}
