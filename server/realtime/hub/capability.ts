import type { z } from "zod";
import type { ChatMessage, MessageChange, UserSummary } from "../../contract/model";
import type { PublishedRoomEvent, RoomEvent } from "../../contract/room-events";
import type { Logger } from "../../logger";
import type { ParleyMetrics } from "../../metrics/metrics";
import type { SecurityPolicy } from "../../security/policy";
import type { Services } from "../../services";
import type { ActivityCoalescer } from "./activity-coalescer";
import type { HubSession } from "./session";
import type { PresenceCoalescer } from "./presence-coalescer";
import type { JoinGate } from "./join-gate";

/**
 * What a capability's requests and hooks may use of the hub: the services (which read
 * permissions fresh at every call), the policy's budgets, publication, a session's room
 * subscriptions, and the two coalescers. The kernel (`kernel.ts`) is the one implementation.
 */
export interface HubContext {
  readonly services: Services;
  readonly policy: SecurityPolicy;
  readonly log: Logger;
  /** This server's metrics (one registry per instance). */
  readonly metrics: ParleyMetrics;
  /** To every connection in the room (or of the user), on every node and transport. */
  publish(event: PublishedRoomEvent): void;
  /** The room's presence list goes out, coalesced. */
  readonly presence: PresenceCoalescer;
  /** Joins run a few at a time, in arrival order (join-gate.ts). */
  readonly joins: JoinGate;
  /** The room's activity for followers who do not have it open, coalesced. */
  readonly activity: ActivityCoalescer;
  /** The session hears the room's events from now on (joined). */
  subscribe(session: HubSession, roomId: string): Promise<void>;
  /** The session stops hearing the room and leaves its presence list; nothing if not joined. */
  leave(session: HubSession, roomId: string): Promise<void>;
  /** The session hears the followed room's activity (it does not have it open). */
  watch(session: HubSession, roomId: string): Promise<void>;
  unwatch(session: HubSession, roomId: string): Promise<void>;
  /**
   * After a message is stored and published (not a resend): every capability's and
   * listener's `onStored`, in order, each failure logged rather than failing the send.
   */
  stored(message: ChatMessage): Promise<void>;
  /** After a change is applied and published (not a resend, not a no-op): `onChanged`. */
  changed(change: MessageChange): Promise<void>;
  /**
   * The user looks different now (a new profile picture or name): their connections on every node
   * carry the new summary, the rooms they are in get a new presence list, and their own
   * connections hear `profile.changed`.
   */
  profileChanged(user: UserSummary): Promise<void>;
  /** The user (or with null everyone) loses the room on every node: their connections leave it and are told. */
  revoke(roomId: string, userId: string | null, removal?: { until?: string | null; message?: string }): Promise<void>;
  /** Every connection of the user, on every node, is told why and closed (a ban). */
  closeUser(userId: string, notice: Extract<RoomEvent, { type: "account.closed" }>): void;
  /** A removal of someone's messages was filed: this node's runner looks now (`purges.ts`). */
  purgeFiled(): void;
}

/** One request a connection may make: the contract's schema for its payload, and the use-case. */
export interface RequestDef<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly schema: S;
  run(hub: HubContext, session: HubSession, input: z.output<S>): Promise<R>;
}

/** A request entry, its input typed by its schema. */
export function request<S extends z.ZodType, R>(schema: S, run: (hub: HubContext, session: HubSession, input: z.output<S>) => Promise<R>): RequestDef<S, R> {
  return { schema, run };
}

/**
 * One capability of the hub: its requests by contract name, and what it does after a
 * message is stored or a change applied (as Rails' `after_create_commit`): activity,
 * a direct conversation's announcement. The kernel knows none of them by name.
 */
export interface Capability<T extends Record<string, RequestDef> = Record<string, RequestDef>> {
  readonly requests: T;
  onStored?(hub: HubContext, message: ChatMessage): void | Promise<void>;
  onChanged?(hub: HubContext, change: MessageChange): void | Promise<void>;
}

/** A capability, its request table's names and ack types kept for `requests.ts`. */
export function capability<T extends Record<string, RequestDef>>(definition: Capability<T>): Capability<T> {
  return definition;
}
