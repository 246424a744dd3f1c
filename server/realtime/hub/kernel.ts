import type { z } from "zod";
import type { Ack, ErrorBody } from "../../contract/errors";
import type { ChatMessage, MessageChange, UserSummary } from "../../contract/model";
import type { PublishedRoomEvent, RoomEvent } from "../../contract/room-events";
import { DomainError, toErrorBody } from "../../domain/errors";
import type { Logger } from "../../logger";
import { ParleyMetrics, secondsSince } from "../../metrics/metrics";
import { isDatabaseUnavailable } from "../../store/unavailable";
import type { SecurityPolicy } from "../../security/policy";
import type { Services } from "../../services";
import { ActivityCoalescer } from "./activity-coalescer";
import type { HubContext, RequestDef } from "./capability";
import { PresenceCoalescer, type PresenceTiming } from "./presence-coalescer";
import { JoinGate } from "./join-gate";
import { CAPABILITIES, REQUESTS, type AckOf, type RoomRequest } from "./requests";
import { HubSession, type Connection } from "./session";

/**
 * Where published room events go: each transport's fan-out (Socket.IO's rooms, which span
 * nodes through its adapter; the gateway's peers on this node), and the relay that carries
 * them to other nodes' node-local fan-outs.
 */
export interface RoomFanout {
  /** True when `publish` already reaches this transport's connections on every node. */
  readonly spansNodes: boolean;
  publish(event: PublishedRoomEvent): void;
}

/** Hears the other nodes' revocations and node-local events (server/realtime/cluster.ts). */
export interface ClusterRelay {
  event(event: PublishedRoomEvent): void;
  revoked(roomId: string, userId: string | null): void;
  closed(userId: string, notice: AccountClosed): void;
}

/** What a banned account's connections are told before they close. */
export type AccountClosed = Extract<RoomEvent, { type: "account.closed" }>;

const FLOODED: ErrorBody = { code: "rate_limited", message: "Slow down: too many requests. Try again in a moment." };

export interface RoomHubDeps {
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  /** Where the hub counts (default: a registry of its own that nothing serves). */
  metrics?: ParleyMetrics;
  presence?: PresenceTiming;
  activityIntervalMs?: number;
}

/**
 * The kernel of the one place where a room's real-time use-cases live, whatever the client
 * is connected with: connections (`open`, `close`, the caps per user and address), the guard
 * around every request (event budget, schema, one error translation, refusal counting),
 * publication to every transport and node, room subscriptions and revocation. The use-cases
 * themselves are the capabilities' (`requests.ts`: presence, messages, attention, people,
 * search), each a table of `{ request: { schema, run } }` plus after-commit hooks.
 * Socket.IO (`server/socket/`) and the `/ws` gateway (`server/gateway/`) are thin adapters:
 * they turn their wire format into `request(session, name, payload)` and encode the
 * `RoomEvent`s the hub publishes or delivers. One acceptance suite
 * (`server/transports.acceptance.test.ts`) runs the same cases over both.
 *
 * @example
 * const session = hub.open(connection);              // at connect: takes a place under the caps
 * const ack = await hub.request(session, "message:send", payload);
 * await hub.close(session);                          // at disconnect: leaves every room
 */
export class RoomHub implements HubContext {
  readonly services: Services;
  readonly policy: SecurityPolicy;
  readonly log: Logger;
  readonly metrics: ParleyMetrics;
  readonly presence: PresenceCoalescer;
  readonly joins: JoinGate;
  readonly activity: ActivityCoalescer;
  private readonly fanouts: RoomFanout[] = [];
  private relay: ClusterRelay | undefined;
  /** This node's connections, by room: revocation and presence act on them. */
  private readonly byRoom = new Map<string, Set<HubSession>>();
  /** This node's connections, by user (a changed profile acts on them). */
  private readonly byUser = new Map<string, Set<HubSession>>();
  /** This node's connections that hear a room's activity, by room (revocation acts on them). */
  private readonly byWatch = new Map<string, Set<HubSession>>();
  /** After-commit hooks: the capabilities' first, then listeners added with `onStored`. */
  private readonly storedHooks: Array<(message: ChatMessage) => void | Promise<void>> = [];
  private readonly changedHooks: Array<(change: MessageChange) => void | Promise<void>> = [];

  constructor(deps: RoomHubDeps) {
    this.services = deps.services;
    this.policy = deps.policy;
    this.log = deps.log;
    this.metrics = deps.metrics ?? new ParleyMetrics();
    const metrics = this.metrics;
    this.joins = new JoinGate({ onRefused: (reason) => metrics.joinRefused(reason) });
    metrics.watchJoins(() => ({ waiting: this.joins.queued, running: this.joins.running }));
    const publish = (event: PublishedRoomEvent) => this.publish(event);
    this.presence = new PresenceCoalescer({ list: (roomId) => this.services.presence.list(roomId), publish, log: deps.log, timing: deps.presence });
    this.activity = new ActivityCoalescer({ publish, intervalMs: deps.activityIntervalMs });
    for (const capability of CAPABILITIES) {
      const { onStored, onChanged } = capability as { onStored?: (hub: HubContext, m: ChatMessage) => void | Promise<void>; onChanged?: (hub: HubContext, c: MessageChange) => void | Promise<void> };
      if (onStored) this.storedHooks.push((message) => onStored(this, message));
      if (onChanged) this.changedHooks.push((change) => onChanged(this, change));
    }
    // Changes the shared presence store found itself (a dead node's users swept out) are
    // announced as joins and leaves are.
    deps.services.presence.onChange?.((roomId) => this.presence.announce(roomId));
  }

  /** A transport's fan-out; every published event goes to each. */
  addFanout(fanout: RoomFanout): void {
    this.fanouts.push(fanout);
  }

  /** Hears every message stored through this node, once (not a resend), after the capabilities' hooks. */
  onStored(listener: (message: ChatMessage) => void | Promise<void>): void {
    this.storedHooks.push(listener);
  }

  /** Hears every change applied through this node, once (not a resend). */
  onChanged(listener: (change: MessageChange) => void | Promise<void>): void {
    this.changedHooks.push(listener);
  }

  private purgeWake: (() => void) | undefined;

  /** Who runs removal tasks on this node (`startPurges`). */
  onPurgeFiled(wake: () => void): void {
    this.purgeWake = wake;
  }

  purgeFiled(): void {
    this.purgeWake?.();
  }

  /** The link to other nodes (several nodes only). */
  setRelay(relay: ClusterRelay): void {
    this.relay = relay;
  }

  /**
   * A new connection: takes its place under the caps per user and per address. `rooms`: the
   * rooms a recovered connection is still subscribed to (Socket.IO's connection state
   * recovery keeps them); its client rejoins them too, which restores presence.
   */
  open(conn: Connection, rooms: readonly string[] = []): HubSession {
    if (!this.policy.connections.acquire(conn.user.id, conn.ip)) {
      this.log.warn({ userId: conn.user.id, ip: conn.ip, transport: conn.transport }, "connection refused: too many open connections");
      throw new DomainError("too_many_connections", "Too many open connections. Close some tabs and try again.");
    }
    const session = new HubSession(conn);
    // Where the person connects from, for a ban's hold on it (throttled; never delays the connection).
    this.services.addresses.seen(conn.user.id, conn.ip).catch((err: unknown) => this.log.warn({ err, userId: conn.user.id }, "could not note the address"));
    for (const roomId of rooms) this.track(session, roomId);
    let mine = this.byUser.get(conn.user.id);
    if (!mine) this.byUser.set(conn.user.id, (mine = new Set()));
    mine.add(session);
    return session;
  }

  /** A connection that is gone: it leaves every room's presence, and gives its place back. */
  async close(session: HubSession): Promise<void> {
    const { conn } = session;
    session.closed = true;
    for (const roomId of [...session.rooms]) {
      await this.leaveRoom(session, roomId, false).catch((err: unknown) => this.log.error({ err, roomId }, "presence cleanup failed"));
    }
    for (const roomId of [...session.watching]) this.untrackWatch(session, roomId);
    const mine = this.byUser.get(conn.user.id);
    mine?.delete(session);
    if (mine?.size === 0) this.byUser.delete(conn.user.id);
    this.policy.connections.release(conn.user.id, conn.ip);
  }

  /**
   * One request from a connection, answered with an `Ack` whatever happens: within the
   * connection's event budget, validated by its capability's schema, run, and any failure
   * translated once (`toErrorBody`). A connection that keeps collecting refusals is closed.
   */
  request<N extends RoomRequest>(session: HubSession, name: N, payload: unknown): Promise<Ack<AckOf<N>>> {
    const def = REQUESTS[name] as unknown as RequestDef<z.ZodType, AckOf<N>>;
    const start = performance.now();
    const answer = this.guard(session, name, def.schema, payload, (input) => def.run(this, session, input));
    if (name !== "message:send") return answer;
    // A send's acknowledgement time, from its arrival here (stored and published ones).
    return answer.then((ack) => {
      if (ack.ok) this.metrics.ackSeconds.observe(secondsSince(start));
      return ack;
    });
  }

  /**
   * Budget, validation, error translation and refusal counting around any use-case of a
   * connection: the capabilities' requests, and a transport's own (Socket.IO's directory and
   * tokens, the gateway's ping) so that those are guarded the same way.
   */
  async guard<S extends z.ZodType, R>(session: HubSession, name: string, schema: S, payload: unknown, run: (input: z.infer<S>) => Promise<R>): Promise<Ack<R>> {
    if ((await this.policy.limits.take("eventPerSocket", session.conn.id)) !== null) return this.refuse(session.conn, FLOODED);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      this.log.debug({ request: name, connection: session.conn.id }, "invalid payload");
      return this.refuse(session.conn, { code: "invalid_payload", message: describeIssues(parsed.error) });
    }
    try {
      return { ok: true, data: await run(parsed.data) };
    } catch (err) {
      if (isDatabaseUnavailable(err)) this.metrics.dependencyError("database");
      return this.refuse(session.conn, toErrorBody(err, this.log, { request: name }));
    }
  }

  /**
   * A refusal: the answer to give, after counting it. Floods and malformed requests count
   * towards `refusalPerSocket`; a connection past it is closed as abusive.
   */
  async refuse(conn: Pick<Connection, "id" | "close">, error: ErrorBody): Promise<{ ok: false; error: ErrorBody }> {
    if (error.code === "rate_limited" || error.code === "invalid_payload") {
      if ((await this.policy.limits.take("refusalPerSocket", conn.id)) !== null) {
        this.log.warn({ connection: conn.id }, "closing an abusive connection");
        conn.close("too many refused requests");
      }
    }
    return { ok: false, error };
  }

  /** To every connection in the room, on every node and transport. */
  publish(event: PublishedRoomEvent): void {
    for (const fanout of this.fanouts) fanout.publish(event);
    this.relay?.event(event);
  }

  /** An event relayed from another node: to this node's fan-outs that do not span nodes. */
  publishRelayed(event: PublishedRoomEvent): void {
    for (const fanout of this.fanouts) if (!fanout.spansNodes) fanout.publish(event);
    if (event.type === "profile.changed") {
      this.refreshProfile(event.user).catch((err: unknown) => this.log.warn({ err, userId: event.userId }, "relayed profile change failed"));
    }
  }

  async profileChanged(user: UserSummary): Promise<void> {
    // Other nodes refresh their own connections of the user when this event reaches them.
    this.publish({ type: "profile.changed", roomId: null, userId: user.id, user });
    await this.refreshProfile(user);
  }

  /**
   * This node's connections of the user carry the new summary (what their next message,
   * join or typing hint shows), and each room they are in gets a new presence list.
   */
  private async refreshProfile(user: UserSummary): Promise<void> {
    const rooms = new Set<string>();
    for (const session of this.byUser.get(user.id) ?? []) {
      const carried = session.conn.user;
      carried.name = user.name;
      if (user.avatar) carried.avatar = user.avatar;
      else delete carried.avatar;
      for (const roomId of session.rooms) {
        await this.services.presence.add(roomId, carried, session.conn.id);
        rooms.add(roomId);
      }
    }
    for (const roomId of rooms) this.presence.announce(roomId);
  }

  stored(message: ChatMessage): Promise<void> {
    return this.runHooks(this.storedHooks, message, { messageId: message.id, roomId: message.roomId }, "an after-store hook failed");
  }

  changed(change: MessageChange): Promise<void> {
    return this.runHooks(this.changedHooks, change, { messageId: change.messageId, roomId: change.roomId }, "an after-change hook failed");
  }

  /** Each hook in turn; the write is stored and published either way, so a failed hook is logged, not the request's error. */
  private async runHooks<T>(hooks: ReadonlyArray<(value: T) => void | Promise<void>>, value: T, context: object, failed: string): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook(value);
      } catch (err) {
        this.log.warn({ err, ...context }, failed);
      }
    }
  }

  /**
   * `userId` lost access to the room (removed from it), or, with `userId` null, the room was
   * deleted: its connections on every node stop hearing it at once, leave its presence list
   * and are told (`access.revoked`).
   */
  async revoke(roomId: string, userId: string | null, removal: { until?: string | null; message?: string } = {}): Promise<void> {
    this.relay?.revoked(roomId, userId);
    await this.revokeLocal(roomId, userId);
    // Every connection of a removed user hears it (their directory loses the room), in the room or not.
    if (userId !== null) {
      this.publish({ type: "room.removed", roomId: null, userId, room: roomId, until: removal.until ?? null, message: removal.message ?? "You were removed from this room." });
    }
  }

  /** The same, for this node's connections only (a relayed revocation). */
  async revokeLocal(roomId: string, userId: string | null): Promise<void> {
    for (const session of [...(this.byWatch.get(roomId) ?? [])]) {
      if (userId === null || session.conn.user.id === userId) await this.unwatch(session, roomId);
    }
    for (const session of [...(this.byRoom.get(roomId) ?? [])]) {
      if (userId !== null && session.conn.user.id !== userId) continue;
      await this.leaveRoom(session, roomId, true);
      if (userId === null) session.conn.deliver({ type: "access.revoked", roomId, reason: "deleted" });
    }
  }

  /**
   * Closes every connection of the user, on every node, telling each why first (a ban): the
   * session and token checks would take up to their sweep's interval to notice.
   */
  closeUser(userId: string, notice: AccountClosed): void {
    this.relay?.closed(userId, notice);
    this.closeUserLocal(userId, notice);
  }

  /** The same, for this node's connections only (a relayed closing). */
  closeUserLocal(userId: string, notice: AccountClosed): void {
    for (const session of [...(this.byUser.get(userId) ?? [])]) {
      session.conn.deliver(notice);
      session.conn.close(notice.reason);
    }
  }

  async subscribe(session: HubSession, roomId: string): Promise<void> {
    await session.conn.subscribe(roomId);
    this.track(session, roomId);
  }

  leave(session: HubSession, roomId: string): Promise<void> {
    return this.leaveRoom(session, roomId, true);
  }

  async watch(session: HubSession, roomId: string): Promise<void> {
    if (session.watching.has(roomId)) return;
    await session.conn.watch(roomId);
    session.watching.add(roomId);
    let set = this.byWatch.get(roomId);
    if (!set) this.byWatch.set(roomId, (set = new Set()));
    set.add(session);
  }

  async unwatch(session: HubSession, roomId: string): Promise<void> {
    if (!session.watching.has(roomId)) return;
    this.untrackWatch(session, roomId);
    await session.conn.unwatch(roomId);
  }

  private untrackWatch(session: HubSession, roomId: string) {
    session.watching.delete(roomId);
    const set = this.byWatch.get(roomId);
    set?.delete(session);
    if (set?.size === 0) this.byWatch.delete(roomId);
  }

  private track(session: HubSession, roomId: string) {
    session.rooms.add(roomId);
    let set = this.byRoom.get(roomId);
    if (!set) this.byRoom.set(roomId, (set = new Set()));
    set.add(session);
  }

  /** Unsubscribes (unless the connection is gone) and leaves presence (announced when it changed); nothing if not joined. */
  private async leaveRoom(session: HubSession, roomId: string, unsubscribe: boolean) {
    if (!session.rooms.delete(roomId)) return;
    const set = this.byRoom.get(roomId);
    set?.delete(session);
    if (set?.size === 0) this.byRoom.delete(roomId);
    if (unsubscribe) await session.conn.unsubscribe(roomId);
    const { conn } = session;
    if (await this.services.presence.remove(roomId, conn.user.id, conn.id)) this.presence.announce(roomId);
  }
}

/** A short, human reading of what was wrong with a payload: the first issue and where. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid payload.";
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `Invalid payload: ${where}${issue.message}`;
}
