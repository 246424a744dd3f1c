import type { UserSummary } from "../../contract/model";
import type { RoomEvent } from "../../contract/room-events";
import { serialQueue } from "../serial-queue";

/**
 * What a transport provides for one client connection (a Socket.IO socket, a `/ws` peer):
 * the hub needs nothing else of it.
 */
export interface Connection {
  /** Unique across nodes (a Socket.IO socket id, `ws:<uuid>`). */
  readonly id: string;
  /** Which transport carries it: for the log. */
  readonly transport: "socket.io" | "ws";
  readonly user: UserSummary;
  /** The client's address, for per-address budgets and caps. */
  readonly ip: string;
  /** Starts carrying the room's published events to this connection. */
  subscribe(roomId: string): void | Promise<void>;
  /** Stops carrying them. */
  unsubscribe(roomId: string): void | Promise<void>;
  /** Starts carrying the room's activity (`room.activity`): the user follows it. */
  watch(roomId: string): void | Promise<void>;
  /** Stops carrying it. */
  unwatch(roomId: string): void | Promise<void>;
  /** One event to this connection alone (a joiner's presence list, a revocation). */
  deliver(event: RoomEvent): void;
  /** Closes the connection (it kept sending what was refused). */
  close(reason: string): void;
}

/** One connection's state in the hub. */
export class HubSession {
  /** The rooms this connection is subscribed to (joined, not since left or revoked). */
  readonly rooms = new Set<string>();
  /** The followed rooms whose activity this connection hears. */
  readonly watching = new Set<string>();
  /** One connection's sends and changes are stored one after another, in the order they arrived. */
  readonly inOrder = serialQueue();
  /** The connection is gone (`RoomHub.close`): work still waiting for it is dropped. */
  closed = false;
  constructor(readonly conn: Connection) {}
}
