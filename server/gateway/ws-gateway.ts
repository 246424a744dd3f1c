import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import WebSocket, { WebSocketServer, type RawData } from "ws";
import { z } from "zod";
import { MAX_FRAME_BYTES } from "../app";
import type { Ack, ErrorBody } from "../contract/errors";
import type { UserSummary } from "../contract/model";
import { audienceOf, unencoded, type PublishedRoomEvent, type RoomEvent } from "../contract/room-events";
import { DomainError } from "../domain/errors";
import type { Logger } from "../logger";
import { describeIssues, isRoomRequest, type HubSession, type RoomFanout, type RoomHub, type RoomRequest } from "../realtime/hub";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";
import { ALIASES, clientFrameSchema, type ClientFrame } from "./protocol";

export const GATEWAY_PATH = "/ws";

export interface GatewayOptions {
  /** How often the server pings each peer. */
  pingIntervalMs: number;
  /** How long a peer has to answer a ping before it is dropped. */
  pongTimeoutMs: number;
  /** How long a connection may stay unauthenticated. */
  authTimeoutMs: number;
  /** permessage-deflate with context takeover (COMPRESSION=deflate); off by default. */
  compression: boolean;
}

/**
 * A peer that vanishes is dropped at most pingInterval + pongTimeout after its last sign of
 * life: 30 s + 10 s here (docs/protocol.md, "Heartbeat").
 */
export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  authTimeoutMs: 10_000,
  compression: false,
};

interface Peer {
  id: string;
  ws: WebSocket;
  ip: string;
  user?: UserSummary;
  tokenId?: string;
  /** The hub's session, once authenticated. */
  session?: HubSession;
  /** An `auth` frame is being checked: one authentication per connection, whatever else arrives meanwhile. */
  authenticating?: boolean;
  pongTimer?: NodeJS.Timeout;
  /** When it connected (`performance.now()`), for the line logged when it closes. */
  opened: number;
}

const notAuthenticated: Ack<never> = { ok: false, error: { code: "unauthorized", message: "Authenticate first: send {\"type\":\"auth\",\"token\":\"…\"}." } };

/** A room event as a `/ws` frame (docs/protocol.md). */
export function encodeForWs(event: RoomEvent): object {
  switch (event.type) {
    case "message.created":
      return { type: "message", message: event.message };
    case "message.changed":
      return { type: "change", change: event.change };
    case "presence.changed":
      return { type: "presence", roomId: event.roomId, online: event.online };
    case "typing.changed":
      return { type: "typing", roomId: event.roomId, user: event.user, typing: event.typing };
    case "room.activity":
      return { type: "activity", roomId: event.roomId, seq: event.seq, readBy: event.readBy, mentions: event.mentions, mentionAuthors: event.mentionAuthors };
    case "attention.changed":
      return { type: "attention", read: event.read, unfollowed: event.unfollowed };
    case "room.added":
      return { type: "room_added", room: event.room };
    case "blocks.changed":
      return { type: "blocks", blocked: event.blocked };
    case "profile.changed":
      return { type: "profile", user: event.user };
    case "powers.changed":
      return { type: "powers", roomId: event.room };
    case "reports.changed":
      return { type: "reports", roomId: event.room };
    case "room.removed":
      return { type: "room_removed", roomId: event.room, until: event.until, message: event.message };
    case "access.revoked":
      return { type: event.reason === "deleted" ? "room_deleted" : "room_removed", roomId: event.roomId };
    case "account.closed":
      return { type: "account_closed", reason: event.reason, message: event.message, until: event.until };
    default:
      return unencoded(event);
  }
}

/**
 * The plain WebSocket API for bots and scripts, at /ws on the same port: a transport of the
 * room hub. It keeps the upgrade (origin, handshake budget, token), framing, authentication
 * and the heartbeat; every room request is the hub's (`hub.request`), and the room events the
 * hub publishes reach this node's peers through its fan-out (other nodes' events are relayed
 * by server/realtime/cluster.ts). `ws` in noServer mode takes only upgrades to /ws;
 * Socket.IO's and Next's upgrade listeners take theirs.
 */
export class WsGateway implements RoomFanout {
  readonly spansNodes = false;
  private readonly wss: WebSocketServer;
  private readonly peers = new Set<Peer>();
  /** Peers by what they hear: a room's events (`room:<id>`), its activity (`activity:<id>`), a user's (`user:<id>`). */
  private readonly byChannel = new Map<string, Set<Peer>>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly options: GatewayOptions;

  constructor(
    httpServer: HttpServer,
    private readonly deps: { services: Services; policy: SecurityPolicy; log: Logger; hub: RoomHub; options?: Partial<GatewayOptions> },
  ) {
    this.options = { ...DEFAULT_GATEWAY_OPTIONS, ...deps.options };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: this.options.compression ? { threshold: 0 } : false,
    });
    httpServer.on("upgrade", (req, socket, head) => {
      if ((req.url ?? "").split("?")[0] !== GATEWAY_PATH) return;
      void this.upgrade(req, socket, head);
    });
    this.pingTimer = setInterval(() => void this.heartbeat(), this.options.pingIntervalMs);
    this.pingTimer.unref();
    deps.hub.addFanout(this);
  }

  /** Closes every peer (1001 going away, or 1012 service restart when draining) and stops the heartbeat. */
  close(code = 1001, reason = "server shutting down"): void {
    clearInterval(this.pingTimer);
    for (const peer of this.peers) peer.ws.close(code, reason);
    this.wss.close();
  }

  /** Connected peers, authenticated or not. */
  get size(): number {
    return this.peers.size;
  }

  /** A published event, to this node's peers in its audience (one encoding for all). */
  publish(event: PublishedRoomEvent): void {
    const audience = audienceOf(event);
    const peers = this.byChannel.get("room" in audience ? `room:${audience.room}` : "watchers" in audience ? `activity:${audience.watchers}` : `user:${audience.user}`);
    if (!peers) return;
    const except = event.type === "typing.changed" ? event.except : undefined;
    const data = JSON.stringify(encodeForWs(event));
    for (const peer of peers) if (peer.id !== except && peer.ws.readyState === WebSocket.OPEN) peer.ws.send(data);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const { policy } = this.deps;
    const refuse = (status: number, reason: string) => {
      this.deps.log.info({ transport: "ws", outcome: `refused: ${status} ${reason}` }, "connection refused");
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!policy.originAllowed(req)) return refuse(403, "Forbidden");
    const ip = policy.clientIp(req);
    if ((await policy.limits.take("handshakePerIp", ip)) !== null) {
      this.deps.log.warn({ ip, transport: "ws" }, "handshake refused: too many from this address");
      return refuse(429, "Too Many Requests");
    }
    // A token in the Authorization header authenticates before the upgrade completes.
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const auth = bearer ? await this.deps.services.tokens.authenticate(bearer) : null;
    if (bearer && !auth) return refuse(401, "Unauthorized");
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req, auth));
  }

  private connected(ws: WebSocket, req: IncomingMessage, auth: { user: UserSummary; tokenId: string } | null) {
    const peer: Peer = { id: `ws:${randomUUID()}`, ws, ip: this.deps.policy.clientIp(req), opened: performance.now() };
    this.peers.add(peer);
    ws.on("pong", () => clearTimeout(peer.pongTimer));
    ws.on("close", (code, reason) => {
      // One line per connection, when it ends: who, how it ended, how long it lasted.
      this.deps.log.info(
        { transport: "ws", connection: peer.id, userId: peer.user?.id, ip: peer.ip, outcome: `${code}${reason.length > 0 ? ` ${reason.toString().slice(0, 100)}` : ""}`, seconds: Math.round((performance.now() - peer.opened) / 100) / 10 },
        "connection closed",
      );
      void this.gone(peer);
    });
    ws.on("error", (err) => this.deps.log.debug({ err, peer: peer.id }, "gateway socket error"));
    ws.on("message", (data, isBinary) => void this.receive(peer, data, isBinary));
    if (auth) this.authenticated(peer, auth);
    else {
      const timer = setTimeout(() => {
        if (!peer.user) this.fail(peer, { code: "unauthorized", message: "Authenticate within 10 seconds: send {\"type\":\"auth\",\"token\":\"…\"}." }, 4401);
      }, this.options.authTimeoutMs);
      timer.unref();
    }
  }

  private authenticated(peer: Peer, auth: { user: UserSummary; tokenId: string }) {
    const { hub } = this.deps;
    // Gone while its token was checked: a place taken now would never be given back.
    if (peer.session || !this.peers.has(peer)) return;
    try {
      peer.session = hub.open({
        id: peer.id,
        transport: "ws",
        user: auth.user,
        ip: peer.ip,
        subscribe: (roomId) => this.subscribe(peer, `room:${roomId}`),
        unsubscribe: (roomId) => this.unsubscribe(peer, `room:${roomId}`),
        watch: (roomId) => this.subscribe(peer, `activity:${roomId}`),
        unwatch: (roomId) => this.unsubscribe(peer, `activity:${roomId}`),
        deliver: (event) => this.send(peer, encodeForWs(event)),
        // 4403: the account was banned (an `account_closed` frame said so first); 4429: abuse.
        close: (reason) => peer.ws.close(reason === "banned" ? 4403 : 4429, reason),
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.fail(peer, { code: err.code, message: err.message }, 4429);
      return;
    }
    peer.user = auth.user;
    peer.tokenId = auth.tokenId;
    this.subscribe(peer, `user:${auth.user.id}`);
    this.send(peer, {
      type: "hello",
      user: auth.user,
      heartbeat: { pingIntervalMs: this.options.pingIntervalMs, pongTimeoutMs: this.options.pongTimeoutMs },
    });
  }

  /** Framing: JSON text frames, each validated, each answered (ack or error frame). */
  private async receive(peer: Peer, data: RawData, isBinary: boolean) {
    const { policy } = this.deps;
    if (!peer.session && (await policy.limits.take("eventPerSocket", peer.id)) !== null) {
      return this.refuse(peer, undefined, { code: "rate_limited", message: "Slow down: too many frames. Try again in a moment." });
    }
    if (isBinary) return this.refuse(peer, undefined, { code: "invalid_payload", message: "Send JSON text frames; binary frames are not supported." });
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      return this.refuse(peer, undefined, { code: "invalid_payload", message: "That frame is not valid JSON." });
    }
    const type = (json as { type?: unknown } | null)?.type;
    const rawRef = (json as { ref?: unknown } | null)?.ref;
    let ref = typeof rawRef === "string" ? rawRef : undefined;
    let answer: Ack<unknown> | undefined;
    let typing = type === "typing";
    if (isRoomRequest(type)) {
      // A contract name: the rest of the frame is the request's payload, validated whole by the hub.
      if (rawRef !== undefined && (typeof rawRef !== "string" || rawRef.length > 100)) {
        return this.refuse(peer, undefined, { code: "invalid_payload", message: "Invalid payload: ref: a string of at most 100 characters" });
      }
      const { type: _type, ref: _ref, ...payload } = json as Record<string, unknown>;
      typing = type === "typing:start" || type === "typing:stop";
      answer = await this.request(peer, type, payload);
    } else {
      const parsed = clientFrameSchema.safeParse(json);
      if (!parsed.success) return this.refuse(peer, ref, { code: "invalid_payload", message: describeIssues(parsed.error) });
      ref = parsed.data.ref;
      answer = await this.handle(peer, parsed.data);
    }
    // Typing without a ref is fire-and-forget, as `typing:start` is over Socket.IO.
    if (answer === undefined || (answer.ok && typing && ref === undefined)) return;
    if (answer.ok) this.send(peer, { type: "ack", ref, ok: true, data: answer.data ?? {} });
    else this.send(peer, ref === undefined ? { type: "error", error: answer.error } : { type: "ack", ref, ok: false, error: answer.error });
  }

  /** A room request by its contract name, for an authenticated peer. */
  private request(peer: Peer, name: RoomRequest, payload: unknown): Promise<Ack<unknown>> {
    if (!peer.session) return Promise.resolve(notAuthenticated);
    return this.deps.hub.request(peer.session, name, payload);
  }

  /**
   * One frame: authentication and ping here; every room request is the hub's, under its
   * contract name. Resolves with the answer, or undefined when the frame needs none. Once
   * authenticated, every frame (ping and a second auth too) goes through the hub's guard:
   * the connection's event budget, and refusal counting.
   */
  private async handle(peer: Peer, frame: ClientFrame): Promise<Ack<unknown> | undefined> {
    const { hub } = this.deps;
    if (frame.type === "auth") {
      if (peer.session) {
        return hub.guard(peer.session, "auth", z.unknown(), frame, () => Promise.reject(new DomainError("invalid_payload", "Already authenticated.")));
      }
      // A second auth frame while the first is checked takes no second place under the caps.
      if (peer.authenticating) return { ok: false, error: { code: "invalid_payload", message: "Already authenticating." } };
      peer.authenticating = true;
      try {
        const auth = await this.deps.services.tokens.authenticate(frame.token).catch(() => null);
        if (!auth) this.fail(peer, { code: "unauthorized", message: "Unknown or revoked token." }, 4401);
        else this.authenticated(peer, auth);
      } finally {
        peer.authenticating = false;
      }
      return undefined;
    }
    const session = peer.session;
    if (!session) return notAuthenticated;
    switch (frame.type) {
      case "ping":
        return hub.guard(session, "ping", z.unknown(), frame, async () => ({ pong: true }));
      case "join": {
        // The one alias whose field has another name: `room` is the contract's `slug`.
        const { type: _type, ref: _ref, room, ...rest } = frame;
        return hub.request(session, "room:join", { slug: room, ...rest });
      }
      case "typing": {
        const { type: _type, ref: _ref, typing, ...rest } = frame;
        return hub.request(session, typing ? "typing:start" : "typing:stop", rest);
      }
      default: {
        // Today's names, aliases of the contract's: the validated payload goes on whole.
        const { type, ref: _ref, ...payload } = frame;
        return hub.request(session, ALIASES[type], payload);
      }
    }
  }

  private subscribe(peer: Peer, channel: string) {
    let set = this.byChannel.get(channel);
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(peer);
  }

  private unsubscribe(peer: Peer, channel: string) {
    const set = this.byChannel.get(channel);
    set?.delete(peer);
    if (set?.size === 0) this.byChannel.delete(channel);
  }

  private async gone(peer: Peer) {
    if (!this.peers.delete(peer)) return;
    clearTimeout(peer.pongTimer);
    const session = peer.session;
    if (!session) return;
    for (const roomId of session.rooms) this.unsubscribe(peer, `room:${roomId}`);
    for (const roomId of session.watching) this.unsubscribe(peer, `activity:${roomId}`);
    if (peer.user) this.unsubscribe(peer, `user:${peer.user.id}`);
    await this.deps.hub.close(session).catch((err: unknown) => this.deps.log.error({ err, peer: peer.id }, "closing a gateway session failed"));
  }

  /** Pings every peer; one that does not answer within pongTimeout is dropped. Revoked tokens are dropped too. */
  private async heartbeat() {
    for (const peer of this.peers) {
      if (peer.ws.readyState !== WebSocket.OPEN) continue;
      clearTimeout(peer.pongTimer);
      peer.pongTimer = setTimeout(() => peer.ws.terminate(), this.options.pongTimeoutMs);
      peer.pongTimer.unref();
      peer.ws.ping();
    }
    const tokenIds = [...this.peers].map((p) => p.tokenId).filter((id): id is string => id !== undefined);
    if (tokenIds.length === 0) return;
    const valid = await this.deps.services.tokens.stillValid(tokenIds).catch(() => null);
    if (!valid) return;
    for (const peer of this.peers) {
      if (peer.tokenId && !valid.has(peer.tokenId)) this.fail(peer, { code: "unauthorized", message: "This token was revoked." }, 4401);
    }
  }

  /** An error frame (or a refused ack) for what could not be read, counted by the hub. */
  private async refuse(peer: Peer, ref: string | undefined, error: ErrorBody): Promise<undefined> {
    this.send(peer, ref === undefined ? { type: "error", error } : { type: "ack", ref, ok: false, error });
    await this.deps.hub.refuse({ id: peer.id, close: (reason) => peer.ws.close(4429, reason) }, error);
    return undefined;
  }

  private fail(peer: Peer, error: ErrorBody, closeCode: number) {
    this.send(peer, { type: "error", error });
    peer.ws.close(closeCode, error.code);
  }

  private send(peer: Peer, frame: object) {
    if (peer.ws.readyState === WebSocket.OPEN) peer.ws.send(JSON.stringify(frame));
  }
}
