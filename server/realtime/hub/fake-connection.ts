import type { UserSummary } from "../../contract/model";
import type { RoomEvent } from "../../contract/room-events";
import type { Connection } from "./session";

/** A connection as the hub sees it, recording what the hub did to it: for the hub's unit tests. */
export class FakeConnection implements Connection {
  readonly transport = "ws" as const;
  readonly delivered: RoomEvent[] = [];
  readonly subscribed = new Set<string>();
  readonly watched = new Set<string>();
  closedWith: string | undefined;

  constructor(
    readonly id: string,
    readonly user: UserSummary,
    readonly ip = "203.0.113.7",
  ) {}

  subscribe(roomId: string) {
    this.subscribed.add(roomId);
  }
  unsubscribe(roomId: string) {
    this.subscribed.delete(roomId);
  }
  watch(roomId: string) {
    this.watched.add(roomId);
  }
  unwatch(roomId: string) {
    this.watched.delete(roomId);
  }
  deliver(event: RoomEvent) {
    this.delivered.push(event);
  }
  close(reason: string) {
    this.closedWith = reason;
  }
}
