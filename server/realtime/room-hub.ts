import type { z } from "zod";
import type { Ack, ErrorBody } from "../contract/errors";
import type { AttentionState, ChangeAck, RoomJoined } from "../contract/events";
import type { ChangesPage, ChatMessage, HistoryPage, MessageChange, MessageChangeKind, ReadState, UserSummary } from "../contract/model";
import type { PublishedRoomEvent, RoomEvent } from "../contract/room-events";
import type { SearchPage } from "../contract/search";
import {
  attentionSyncSchema,
  messageChangesSchema,
  messageDeleteSchema,
  messageEditSchema,
  messageHistorySchema,
  messageSendSchema,
  reactionSchema,
  readAllSchema,
  readMarkSchema,
  roomJoinSchema,
  roomLeaveSchema,
  roomNotifySchema,
  roomUnfollowSchema,
  messageSearchSchema,
  typingSchema,
  userBlockSchema,
  userBlocksSchema,
} from "../contract/schemas";
import { DomainError, toErrorBody } from "../domain/errors";
import { ROOM_MENTION } from "../contract/mentions";
import type { Logger } from "../logger";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";
import type { AppendResult } from "../store/ports";
import { serialQueue } from "./serial-queue";
import { parseDirectRoomId } from "../contract/direct";

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
}

/** The room use-cases a connection can ask for, by their contract names. */
export type RoomRequest = (typeof ROOM_REQUESTS)[number];

/** Every room request the hub answers, by its contract name: the one list the transports read. */
export const ROOM_REQUESTS = [
  "room:join",
  "room:leave",
  "message:send",
  "message:history",
  "message:edit",
  "message:delete",
  "reaction:add",
  "reaction:remove",
  "message:changes",
  "typing:start",
  "typing:stop",
  "attention:sync",
  "read:mark",
  "read:all",
  "room:unfollow",
  "room:notify",
  "message:search",
  "user:block",
  "user:blocks",
] as const;

const roomRequests: ReadonlySet<string> = new Set(ROOM_REQUESTS);
/** Whether `name` is a room request's contract name. */
export const isRoomRequest = (name: unknown): name is RoomRequest => typeof name === "string" && roomRequests.has(name);


/** One connection's state in the hub. */
export class HubSession {
  /** The rooms this connection is subscribed to (joined, not since left or revoked). */
  readonly rooms = new Set<string>();
  /** The followed rooms whose activity this connection hears. */
  readonly watching = new Set<string>();
  /** One connection's sends are stored one after another, in the order they arrived. */
  readonly inOrder = serialQueue();
  constructor(readonly conn: Connection) {}
}

/** How long presence changes in one room are gathered into one list. */
export const PRESENCE_COALESCE_MS = 50;
/** One room's presence lists go out at most this often (a crowd arriving at once). */
export const PRESENCE_MIN_INTERVAL_MS = 250;
/**
 * A room's activity for its followers goes out at once for a message in a quiet room, then
 * at most this often while the room is busy, gathering the messages in between.
 */
export const ROOM_ACTIVITY_COALESCE_MS = 200;

const FLOODED: ErrorBody = { code: "rate_limited", message: "Slow down: too many requests. Try again in a moment." };

export interface RoomHubDeps {
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  presence?: { delayMs: number; intervalMs: number };
  activityIntervalMs?: number;
}

/**
 * The one place where a room's real-time use-cases live, whatever the client is connected
 * with: join, leave, send, history, typing and disconnect, the per-connection serial queue,
 * the event budget, refusal counting and the one error translation. Socket.IO
 * (`server/socket/`) and the `/ws` gateway (`server/gateway/`) are thin adapters: they turn
 * their wire format into `request(session, name, payload)` and encode the `RoomEvent`s the
 * hub publishes or delivers. One acceptance suite (`server/transports.acceptance.test.ts`)
 * runs the same cases over both.
 *
 * @example
 * const session = hub.open(connection);              // at connect: takes a place under the caps
 * const ack = await hub.request(session, "message:send", payload);
 * await hub.close(session);                          // at disconnect: leaves every room
 */
export class RoomHub {
  private readonly fanouts: RoomFanout[] = [];
  private relay: ClusterRelay | undefined;
  /** This node's connections, by room: revocation and presence act on them. */
  private readonly byRoom = new Map<string, Set<HubSession>>();
  private readonly presencePending = new Set<string>();
  private readonly presenceSentAt = new Map<string, number>();
  private readonly presenceTiming: { delayMs: number; intervalMs: number };
  /** This node's connections that hear a room's activity, by room (revocation acts on them). */
  private readonly byWatch = new Map<string, Set<HubSession>>();
  /** Told of every message this node stored (after it was acknowledged and published): Web Push. */
  private readonly storedListeners: Array<(message: ChatMessage) => void> = [];
  /** Told of every change this node applied (after it was acknowledged and published): Web Push withdraws deleted messages. */
  private readonly changedListeners: Array<(change: MessageChange) => void> = [];
  /** Users with a search under way on this node. */
  private readonly searching = new Set<string>();
  /** Activity gathered per room since its last `room.activity`, and whether its window is open. */
  private readonly activity = new Map<string, { seq: number; readBy: Record<string, number>; mentions: Record<string, number[]>; mentionAuthors: Record<string, string>; open: boolean }>();

  constructor(private readonly deps: RoomHubDeps) {
    this.presenceTiming = deps.presence ?? { delayMs: PRESENCE_COALESCE_MS, intervalMs: PRESENCE_MIN_INTERVAL_MS };
    // Changes the shared presence store found itself (a dead node's users swept out) are
    // announced as joins and leaves are.
    deps.services.presence.onChange?.((roomId) => this.announcePresence(roomId));
  }

  /** A transport's fan-out; every published event goes to each. */
  addFanout(fanout: RoomFanout): void {
    this.fanouts.push(fanout);
  }

  /** Hears every message stored through this node, once (not a resend). */
  onStored(listener: (message: ChatMessage) => void): void {
    this.storedListeners.push(listener);
  }

  /** Hears every change applied through this node, once (not a resend). */
  onChanged(listener: (change: MessageChange) => void): void {
    this.changedListeners.push(listener);
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
    if (!this.deps.policy.connections.acquire(conn.user.id, conn.ip)) {
      this.deps.log.warn({ userId: conn.user.id, ip: conn.ip, transport: conn.transport }, "connection refused: too many open connections");
      throw new DomainError("too_many_connections", "Too many open connections. Close some tabs and try again.");
    }
    const session = new HubSession(conn);
    for (const roomId of rooms) this.track(session, roomId);
    return session;
  }

  /** A connection that is gone: it leaves every room's presence, and gives its place back. */
  async close(session: HubSession): Promise<void> {
    const { conn } = session;
    for (const roomId of [...session.rooms]) {
      await this.leaveRoom(session, roomId, false).catch((err: unknown) => this.deps.log.error({ err, roomId }, "presence cleanup failed"));
    }
    for (const roomId of [...session.watching]) this.untrackWatch(session, roomId);
    this.deps.policy.connections.release(conn.user.id, conn.ip);
  }

  /**
   * One request from a connection, answered with an `Ack` whatever happens: within the
   * connection's event budget, validated by the contract's schema, run, and any failure
   * translated once (`toErrorBody`). A connection that keeps collecting refusals is closed.
   */
  request(session: HubSession, name: "room:join", payload: unknown): Promise<Ack<RoomJoined>>;
  request(session: HubSession, name: "message:send", payload: unknown): Promise<Ack<AppendResult>>;
  request(session: HubSession, name: "message:history", payload: unknown): Promise<Ack<HistoryPage>>;
  request(session: HubSession, name: "message:edit" | "message:delete" | "reaction:add" | "reaction:remove", payload: unknown): Promise<Ack<ChangeAck>>;
  request(session: HubSession, name: "message:changes", payload: unknown): Promise<Ack<ChangesPage>>;
  request(session: HubSession, name: "attention:sync" | "read:all", payload: unknown): Promise<Ack<AttentionState>>;
  request(session: HubSession, name: "read:mark" | "room:notify", payload: unknown): Promise<Ack<ReadState>>;
  request(session: HubSession, name: "message:search", payload: unknown): Promise<Ack<SearchPage>>;
  request(session: HubSession, name: "user:block" | "user:blocks", payload: unknown): Promise<Ack<{ blocked: UserSummary[] }>>;
  request(session: HubSession, name: RoomRequest, payload: unknown): Promise<Ack<unknown>>;
  request(session: HubSession, name: RoomRequest, payload: unknown): Promise<Ack<unknown>> {
    switch (name) {
      case "room:join":
        return this.guard(session, name, roomJoinSchema, payload, (input) => this.join(session, input));
      case "room:leave":
        return this.guard(session, name, roomLeaveSchema, payload, async ({ roomId }) => {
          const wasJoined = session.rooms.has(roomId);
          await this.leaveRoom(session, roomId, true);
          // Left but still followed: its activity reaches this connection again.
          if (wasJoined && (await this.deps.services.attention.isFollowing(session.conn.user, roomId))) await this.watch(session, roomId);
          return {};
        });
      case "message:send":
        return this.guard(session, name, messageSendSchema, payload, (input) => this.send(session, input));
      case "message:history":
        return this.guard(session, name, messageHistorySchema, payload, (input) =>
          this.deps.services.messages.history(session.conn.user, input, { joined: session.rooms.has(input.roomId) }),
        );
      case "message:edit":
        return this.guard(session, name, messageEditSchema, payload, (input) => this.change(session, "edit", input));
      case "message:delete":
        return this.guard(session, name, messageDeleteSchema, payload, (input) => this.change(session, "delete", input));
      case "reaction:add":
        return this.guard(session, name, reactionSchema, payload, (input) => this.change(session, "react", input));
      case "reaction:remove":
        return this.guard(session, name, reactionSchema, payload, (input) => this.change(session, "unreact", input));
      case "message:changes":
        return this.guard(session, name, messageChangesSchema, payload, (input) =>
          this.deps.services.messages.changes(session.conn.user, input, { joined: session.rooms.has(input.roomId) }),
        );
      case "typing:start":
      case "typing:stop":
        return this.guard(session, name, typingSchema, payload, ({ roomId }) => this.typing(session, roomId, name === "typing:start"));
      case "attention:sync":
        return this.guard(session, name, attentionSyncSchema, payload, () => this.attentionSync(session));
      case "read:mark":
        return this.guard(session, name, readMarkSchema, payload, async ({ roomId, seq }) => {
          await this.deps.policy.beforeReadMark(session.conn.user);
          const read = await this.deps.services.attention.markRead(session.conn.user, roomId, seq);
          this.publish({ type: "attention.changed", roomId: null, userId: session.conn.user.id, read: [read], unfollowed: [] });
          return read;
        });
      case "read:all":
        return this.guard(session, name, readAllSchema, payload, async () => {
          const rooms = await this.deps.services.attention.markAllRead(session.conn.user);
          this.publish({ type: "attention.changed", roomId: null, userId: session.conn.user.id, read: rooms, unfollowed: [] });
          return { rooms };
        });
      case "room:notify":
        return this.guard(session, name, roomNotifySchema, payload, async ({ roomId, level }) => {
          await this.deps.policy.beforeSetting(session.conn.user);
          const read = await this.deps.services.attention.setNotify(session.conn.user, roomId, level);
          this.publish({ type: "attention.changed", roomId: null, userId: session.conn.user.id, read: [read], unfollowed: [] });
          return read;
        });
      case "message:search":
        return this.guard(session, name, messageSearchSchema, payload, async (input) => {
          const { user, ip } = session.conn;
          // One search at a time per user on this node: a loop of searches waits for each answer.
          if (this.searching.has(user.id)) throw new DomainError("rate_limited", "One search at a time: wait for the last one's results.");
          this.searching.add(user.id);
          try {
            await this.deps.policy.beforeSearch(user, ip);
            return await this.deps.services.search.search(user, input);
          } finally {
            this.searching.delete(user.id);
          }
        });
      case "user:block":
        return this.guard(session, name, userBlockSchema, payload, async ({ userId, blocked }) => {
          await this.deps.policy.beforeSetting(session.conn.user);
          const list = await this.deps.services.rooms.block(session.conn.user, userId, blocked);
          this.publish({ type: "blocks.changed", roomId: null, userId: session.conn.user.id, blocked: list });
          return { blocked: list };
        });
      case "user:blocks":
        return this.guard(session, name, userBlocksSchema, payload, async () => ({ blocked: await this.deps.services.rooms.blocked(session.conn.user) }));
      case "room:unfollow":
        return this.guard(session, name, roomUnfollowSchema, payload, async ({ roomId }) => {
          await this.deps.services.attention.unfollow(session.conn.user, roomId);
          await this.unwatch(session, roomId);
          this.publish({ type: "attention.changed", roomId: null, userId: session.conn.user.id, read: [], unfollowed: [roomId] });
          return {};
        });
    }
  }

  /**
   * Budget, validation, error translation and refusal counting around any use-case of a
   * connection: the room use-cases above, and a transport's own (Socket.IO's directory and
   * tokens) so that those are guarded the same way.
   */
  async guard<S extends z.ZodType, R>(session: HubSession, name: string, schema: S, payload: unknown, run: (input: z.infer<S>) => Promise<R>): Promise<Ack<R>> {
    const { policy, log } = this.deps;
    if ((await policy.limits.take("eventPerSocket", session.conn.id)) !== null) return this.refuse(session.conn, FLOODED);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      log.debug({ request: name, connection: session.conn.id }, "invalid payload");
      return this.refuse(session.conn, { code: "invalid_payload", message: describeIssues(parsed.error) });
    }
    try {
      return { ok: true, data: await run(parsed.data) };
    } catch (err) {
      return this.refuse(session.conn, toErrorBody(err, log, { request: name }));
    }
  }

  /**
   * A refusal: the answer to give, after counting it. Floods and malformed requests count
   * towards `refusalPerSocket`; a connection past it is closed as abusive.
   */
  async refuse(conn: Pick<Connection, "id" | "close">, error: ErrorBody): Promise<{ ok: false; error: ErrorBody }> {
    if (error.code === "rate_limited" || error.code === "invalid_payload") {
      if ((await this.deps.policy.limits.take("refusalPerSocket", conn.id)) !== null) {
        this.deps.log.warn({ connection: conn.id }, "closing an abusive connection");
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
  }

  /**
   * The room's presence list changed: it goes out coalesced. Changes within `delayMs` of the
   * first go out as one list, read when it is sent, and a room's lists are at least
   * `intervalMs` apart. A thousand tabs returning at once (a reconnect storm) then cost a few
   * lists per room instead of one per tab, each to every member. (Measured: with 50 ms
   * between lists, a storm of 1,000 sent about 400,000 presence entries.)
   */
  announcePresence(roomId: string): void {
    if (this.presencePending.has(roomId)) return;
    this.presencePending.add(roomId);
    const { delayMs, intervalMs } = this.presenceTiming;
    const sentAt = this.presenceSentAt.get(roomId);
    const delay = Math.max(delayMs, sentAt === undefined ? 0 : sentAt + intervalMs - Date.now());
    setTimeout(() => {
      this.presencePending.delete(roomId);
      const now = Date.now();
      this.presenceSentAt.set(roomId, now);
      setTimeout(() => {
        if (this.presenceSentAt.get(roomId) === now) this.presenceSentAt.delete(roomId);
      }, intervalMs).unref();
      this.deps.services.presence.list(roomId).then(
        (online) => this.publish({ type: "presence.changed", roomId, online }),
        (err: unknown) => this.deps.log.warn({ err, roomId }, "presence list failed"),
      );
    }, delay).unref();
  }

  /**
   * `userId` lost access to the room (removed from it), or, with `userId` null, the room was
   * deleted: its connections on every node stop hearing it at once, leave its presence list
   * and are told (`access.revoked`).
   */
  async revoke(roomId: string, userId: string | null): Promise<void> {
    this.relay?.revoked(roomId, userId);
    await this.revokeLocal(roomId, userId);
  }

  /** The same, for this node's connections only (a relayed revocation). */
  async revokeLocal(roomId: string, userId: string | null): Promise<void> {
    for (const session of [...(this.byWatch.get(roomId) ?? [])]) {
      if (userId === null || session.conn.user.id === userId) await this.unwatch(session, roomId);
    }
    for (const session of [...(this.byRoom.get(roomId) ?? [])]) {
      if (userId !== null && session.conn.user.id !== userId) continue;
      await this.leaveRoom(session, roomId, true);
      session.conn.deliver({ type: "access.revoked", roomId, reason: userId === null ? "deleted" : "removed" });
    }
  }

  private async join(session: HubSession, input: z.infer<typeof roomJoinSchema>): Promise<RoomJoined> {
    const { services } = this.deps;
    const { conn } = session;
    const room = await services.rooms.enter(conn.user, input.slug, input.invite);
    // Opening a room follows it: its activity reaches this connection once it is left. A
    // direct conversation's draft is not stored yet: its first message makes both follow it.
    const read = room.draft ? { roomId: room.id, readSeq: 0, latestSeq: 0 } : await services.attention.followEntered(conn.user, room);
    // While the room is open here its messages arrive in full: its activity would be a
    // second copy of each (a hundred joined tabs, a hundred extra packets every 200 ms).
    await this.unwatch(session, room.id);
    // Subscribe before reading history: a message committed in between then arrives both
    // ways, and the client merges by seq, rather than falling into a gap.
    await this.subscribe(session, room.id);
    // The change cursor before the history: the page then reflects every change up to it
    // (and maybe later ones, which the client applies again harmlessly).
    const changeCursor = await services.messages.changeCursor(room.id);
    const history = await services.messages.onJoin(room, input.after);
    const touched = input.changesAfter === undefined ? undefined : await services.messages.onRejoinChanges(room, input.changesAfter);
    const presenceChanged = await services.presence.add(room.id, conn.user, conn.id);
    const online = await services.presence.list(room.id);
    // Everyone hears a changed list (coalesced); an unchanged one goes to the joiner only.
    if (presenceChanged) this.announcePresence(room.id);
    else conn.deliver({ type: "presence.changed", roomId: room.id, online });
    const typing = (await services.typing.list(room.id)).filter((u) => u.id !== conn.user.id);
    for (const user of typing) conn.deliver({ type: "typing.changed", roomId: room.id, user, typing: true });
    return { room, history, online, typing, changeCursor, ...(touched ? { changed: touched } : {}), read };
  }

  private send(session: HubSession, input: z.infer<typeof messageSendSchema>): Promise<AppendResult> {
    const { services, policy } = this.deps;
    const { conn } = session;
    return session.inOrder(async () => {
      await policy.beforeMessage(conn.user, conn.ip);
      if (input.body.includes(ROOM_MENTION)) await policy.beforeRoomMention(conn.user);
      // A subscribed connection was let in by join; revocation unsubscribes it.
      const result = await services.messages.send(conn.user, input, { joined: session.rooms.has(input.roomId) });
      // A duplicate was published when first stored; clients that missed it catch up by seq.
      if (!result.duplicate) {
        this.publish({ type: "message.created", roomId: result.message.roomId, message: result.message });
        this.noteActivity(result.message);
        // A direct conversation's first message: both people's lists gain it, on every tab.
        // The message is stored either way: a failed announcement is logged, not the send's error.
        if (result.message.seq === 1 && parseDirectRoomId(result.message.roomId)) {
          await this.announceDirect(result.message.roomId).catch((err: unknown) => this.deps.log.warn({ err, roomId: result.message.roomId }, "announcing a direct conversation failed"));
        }
        for (const listener of this.storedListeners) listener(result.message);
      }
      return result;
    });
  }

  /**
   * An edit, a deletion or a reaction: in the connection's serial queue with its sends, so a
   * change to a message just sent is applied after that message is stored; published once
   * (not for a resend, nor when it changed nothing).
   */
  private change(
    session: HubSession,
    kind: MessageChangeKind,
    input: { roomId: string; messageId: string; clientChangeId: string; body?: string; emoji?: string },
  ): Promise<ChangeAck> {
    const { services, policy } = this.deps;
    const { conn } = session;
    return session.inOrder(async () => {
      await policy.beforeChange(conn.user, conn.ip);
      // An edit that mentions @room spends the @room budget, as a message that does.
      if (kind === "edit" && input.body?.includes(ROOM_MENTION)) await policy.beforeRoomMention(conn.user);
      const result = await services.messages.change(conn.user, { ...input, kind }, { joined: session.rooms.has(input.roomId) });
      if (result.change && !result.duplicate) {
        this.publish({ type: "message.changed", roomId: result.change.roomId, change: result.change });
        for (const listener of this.changedListeners) listener(result.change);
      }
      return result;
    });
  }

  /** Tells each person of a direct conversation that it is in their list now (named for them). */
  private async announceDirect(roomId: string): Promise<void> {
    for (const { userId, room } of await this.deps.services.rooms.directViews(roomId)) {
      this.publish({ type: "room.added", roomId: null, userId, room });
    }
  }

  /**
   * Typing is relayed to the room and kept for TYPING_TTL_MS (services.typing, shared between
   * nodes), so that someone joining mid-sentence sees it too. Senders throttle typing:start,
   * receivers expire it, so a lost typing:stop costs a few seconds of a stale hint at most.
   */
  private async typing(session: HubSession, roomId: string, typing: boolean): Promise<void> {
    const { conn } = session;
    if (!session.rooms.has(roomId)) throw new DomainError("not_found", "Join the room first.");
    if (typing) await this.deps.services.rooms.requireUnblocked(conn.user, roomId);
    this.publish({ type: "typing.changed", roomId, user: conn.user, typing, except: conn.id });
    const { typing: store } = this.deps.services;
    await (typing ? store.start(roomId, conn.user) : store.stop(roomId, conn.user.id));
  }

  /**
   * At every (re)connect: the followed rooms' read states, and this connection hears their
   * activity from now on (and no longer that of rooms it stopped following elsewhere).
   */
  private async attentionSync(session: HubSession): Promise<AttentionState> {
    const rooms = await this.deps.services.attention.followed(session.conn.user);
    const followed = new Set(rooms.map((r) => r.roomId));
    for (const roomId of [...session.watching]) if (!followed.has(roomId)) await this.unwatch(session, roomId);
    for (const roomId of followed) if (!session.rooms.has(roomId)) await this.watch(session, roomId);
    return { rooms };
  }

  /**
   * A stored message, for the room's followers that do not have it open: the first in a quiet room goes out at once;
   * those that follow within `activityIntervalMs` go out together at its end (the latest seq,
   * and each author's latest seq). Followers' counts are `latest - read`, so one event that
   * carries the latest seq corrects whatever an earlier one missed.
   */
  private noteActivity(message: ChatMessage) {
    const { roomId, seq } = message;
    const mentioned = mentionedBy(message);
    const pending = this.activity.get(roomId);
    if (pending) {
      pending.seq = Math.max(pending.seq, seq);
      pending.readBy[message.author.id] = Math.max(pending.readBy[message.author.id] ?? 0, seq);
      for (const id of mentioned) (pending.mentions[id] ??= []).push(seq);
      if (mentioned.length > 0) pending.mentionAuthors[seq] = message.author.id;
      pending.open = true;
      return;
    }
    const mentions: Record<string, number[]> = {};
    for (const id of mentioned) mentions[id] = [seq];
    const mentionAuthors: Record<string, string> = mentioned.length > 0 ? { [seq]: message.author.id } : {};
    this.publish({ type: "room.activity", roomId, seq, readBy: { [message.author.id]: seq }, mentions, mentionAuthors });
    const window = { seq: 0, readBy: {} as Record<string, number>, mentions: {} as Record<string, number[]>, mentionAuthors: {} as Record<string, string>, open: false };
    this.activity.set(roomId, window);
    const tick = () => {
      if (!window.open) {
        this.activity.delete(roomId);
        return;
      }
      this.publish({ type: "room.activity", roomId, seq: window.seq, readBy: window.readBy, mentions: window.mentions, mentionAuthors: window.mentionAuthors });
      window.readBy = {};
      window.mentions = {};
      window.mentionAuthors = {};
      window.open = false;
      setTimeout(tick, this.deps.activityIntervalMs ?? ROOM_ACTIVITY_COALESCE_MS).unref();
    };
    setTimeout(tick, this.deps.activityIntervalMs ?? ROOM_ACTIVITY_COALESCE_MS).unref();
  }

  private async watch(session: HubSession, roomId: string) {
    if (session.watching.has(roomId)) return;
    await session.conn.watch(roomId);
    session.watching.add(roomId);
    let set = this.byWatch.get(roomId);
    if (!set) this.byWatch.set(roomId, (set = new Set()));
    set.add(session);
  }

  private async unwatch(session: HubSession, roomId: string) {
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

  private async subscribe(session: HubSession, roomId: string) {
    await session.conn.subscribe(roomId);
    this.track(session, roomId);
  }

  private track(session: HubSession, roomId: string) {
    session.rooms.add(roomId);
    let set = this.byRoom.get(roomId);
    if (!set) this.byRoom.set(roomId, (set = new Set()));
    set.add(session);
  }

  /** Unsubscribes and leaves presence (announced when it changed); nothing if not joined. */
  private async leaveRoom(session: HubSession, roomId: string, unsubscribe: boolean) {
    if (!session.rooms.delete(roomId)) return;
    const set = this.byRoom.get(roomId);
    set?.delete(session);
    if (set?.size === 0) this.byRoom.delete(roomId);
    if (unsubscribe) await session.conn.unsubscribe(roomId);
    const { conn } = session;
    if (await this.deps.services.presence.remove(roomId, conn.user.id, conn.id)) this.announcePresence(roomId);
  }
}

/** Whom a message mentions, for activity: its people, and "room" for `@room` (everyone following). */
function mentionedBy(message: ChatMessage): string[] {
  const ids = (message.mentions ?? []).map((u) => u.id);
  return message.body.includes(ROOM_MENTION) ? [...ids, "room"] : ids;
}

/** A short, human reading of what was wrong with a payload: the first issue and where. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid payload.";
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `Invalid payload: ${where}${issue.message}`;
}
