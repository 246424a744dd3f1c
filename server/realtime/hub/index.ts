/**
 * The room hub: a kernel (`kernel.ts`) and one module per capability (`presence.ts`,
 * `messages.ts`, `attention.ts`, `people.ts`, `search.ts`), assembled in `requests.ts`.
 * docs/architecture.md shows how to add a request kind.
 */
export { RoomHub, describeIssues, type ClusterRelay, type RoomFanout, type RoomHubDeps } from "./kernel";
export { HubSession, type Connection } from "./session";
export { ROOM_REQUESTS, isRoomRequest, type AckOf, type RoomRequest } from "./requests";
export { PRESENCE_COALESCE_MS, PRESENCE_MIN_INTERVAL_MS } from "./presence-coalescer";
export { ROOM_ACTIVITY_COALESCE_MS } from "./activity-coalescer";
export type { HubContext } from "./capability";
