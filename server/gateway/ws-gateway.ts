import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import WebSocket, { WebSocketServer, type RawData } from "ws";
import { MAX_FRAME_BYTES } from "../app";
import type { ErrorBody } from "../contract/errors";
import type { ChatMessage, UserSummary } from "../contract/model";
import { DomainError, toErrorBody } from "../domain/errors";
import type { Logger } from "../logger";
import type { RoomBroadcast } from "../realtime/broadcast";
import type { SecurityPolicy } from "../security/policy";
import type { Services } from "../services";
import { serialQueue } from "../socket/message.handlers";
import { describeIssues } from "../socket/validate";
import { clientFrameSchema, type ClientFrame } from "./protocol";

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
  rooms: Set<string>;
  inOrder: ReturnType<typeof serialQueue>;
  pongTimer?: NodeJS.Timeout;
}

/**
 * The plain WebSocket API for bots and scripts, at /ws on the same port. `ws` in noServer
 * mode takes only upgrades to /ws; Socket.IO's and Next's upgrade listeners take theirs.
 * Every request goes through the same domain services and security policy as Socket.IO.
 */
export class WsGateway implements RoomBroadcast {
  private readonly wss: WebSocketServer;
  private readonly peers = new Set<Peer>();
  private readonly byRoom = new Map<string, Set<Peer>>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly options: GatewayOptions;

  constructor(
    httpServer: HttpServer,
    private readonly deps: { services: Services; policy: SecurityPolicy; log: Logger; broadcast: RoomBroadcast; options?: Partial<GatewayOptions> },
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

  // RoomBroadcast: what the room's bots hear.
  message(message: ChatMessage): void {
    this.toRoom(message.roomId, { type: "message", message });
  }
  presence(roomId: string, online: UserSummary[]): void {
    this.toRoom(roomId, { type: "presence", roomId, online });
  }
  typing(roomId: string, user: UserSummary, typing: boolean, except?: string): void {
    this.toRoom(roomId, { type: "typing", roomId, user, typing }, except);
  }

  async revoked(roomId: string, userId: string | null): Promise<void> {
    for (const peer of [...(this.byRoom.get(roomId) ?? [])]) {
      if (userId !== null && peer.user?.id !== userId) continue;
      await this.leave(peer, roomId);
      this.send(peer, { type: userId === null ? "room_deleted" : "room_removed", roomId });
    }
  }

  private toRoom(roomId: string, frame: object, except?: string) {
    const peers = this.byRoom.get(roomId);
    if (!peers) return;
    const data = JSON.stringify(frame);
    for (const peer of peers) if (peer.id !== except && peer.ws.readyState === WebSocket.OPEN) peer.ws.send(data);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const { policy } = this.deps;
    const refuse = (status: number, reason: string) => {
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
    const peer: Peer = { id: `ws:${randomUUID()}`, ws, ip: this.deps.policy.clientIp(req), rooms: new Set(), inOrder: serialQueue() };
    this.peers.add(peer);
    ws.on("pong", () => clearTimeout(peer.pongTimer));
    ws.on("close", () => void this.gone(peer));
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
    if (!this.deps.policy.connections.acquire(auth.user.id, peer.ip)) {
      this.deps.log.warn({ userId: auth.user.id, ip: peer.ip, transport: "ws" }, "connection refused: too many open connections");
      this.fail(peer, { code: "too_many_connections", message: "Too many open connections." }, 4429);
      return;
    }
    peer.user = auth.user;
    peer.tokenId = auth.tokenId;
    this.send(peer, {
      type: "hello",
      user: auth.user,
      heartbeat: { pingIntervalMs: this.options.pingIntervalMs, pongTimeoutMs: this.options.pongTimeoutMs },
    });
  }

  private async receive(peer: Peer, data: RawData, isBinary: boolean) {
    const { policy, log } = this.deps;
    if ((await policy.limits.take("eventPerSocket", peer.id)) !== null) {
      return this.refuse(peer, undefined, { code: "rate_limited", message: "Slow down: too many frames. Try again in a moment." });
    }
    if (isBinary) return this.refuse(peer, undefined, { code: "invalid_payload", message: "Send JSON text frames; binary frames are not supported." });
    let json: unknown;
    try {
      json = JSON.parse(data.toString("utf8"));
    } catch {
      return this.refuse(peer, undefined, { code: "invalid_payload", message: "That frame is not valid JSON." });
    }
    const parsed = clientFrameSchema.safeParse(json);
    const ref = typeof (json as { ref?: unknown })?.ref === "string" ? (json as { ref: string }).ref : undefined;
    if (!parsed.success) return this.refuse(peer, ref, { code: "invalid_payload", message: describeIssues(parsed.error) });
    const frame = parsed.data;
    try {
      const result = await this.handle(peer, frame);
      if (result !== undefined) this.send(peer, { type: "ack", ref: frame.ref, ok: true, data: result });
    } catch (err) {
      this.refuse(peer, frame.ref, toErrorBody(err, log, { frame: frame.type }));
    }
  }

  /** Runs one request; resolves with what to acknowledge, or undefined for no acknowledgement. */
  private async handle(peer: Peer, frame: ClientFrame): Promise<unknown> {
    const { services, policy, broadcast } = this.deps;
    if (frame.type === "auth") {
      if (peer.user) throw new DomainError("invalid_payload", "Already authenticated.");
      const auth = await services.tokens.authenticate(frame.token);
      if (!auth) {
        this.fail(peer, { code: "unauthorized", message: "Unknown or revoked token." }, 4401);
        return undefined;
      }
      this.authenticated(peer, auth);
      return undefined;
    }
    const user = peer.user;
    if (!user) throw new DomainError("unauthorized", "Authenticate first: send {\"type\":\"auth\",\"token\":\"…\"}.");
    switch (frame.type) {
      case "ping":
        return { pong: true };
      case "join": {
        const room = await services.rooms.enter(user, frame.room, frame.invite);
        this.subscribe(peer, room.id);
        const history = await services.messages.onJoin(room, frame.after);
        if (await services.presence.add(room.id, user, peer.id)) broadcast.presence(room.id, await services.presence.list(room.id));
        const typing = (await services.typing.list(room.id)).filter((u) => u.id !== user.id);
        return { room, history, online: await services.presence.list(room.id), typing };
      }
      case "leave":
        await this.leave(peer, frame.roomId);
        return {};
      case "send":
        // One peer's sends are stored in the order they arrived, as over Socket.IO.
        return peer.inOrder(async () => {
          await policy.beforeMessage(user, peer.ip);
          const result = await services.messages.send(user, frame, { joined: peer.rooms.has(frame.roomId) });
          if (!result.duplicate) broadcast.message(result.message);
          return result;
        });
      case "history":
        return services.messages.history(user, frame, { joined: peer.rooms.has(frame.roomId) });
      case "typing":
        if (!peer.rooms.has(frame.roomId)) throw new DomainError("not_found", "Join the room first.");
        broadcast.typing(frame.roomId, user, frame.typing, peer.id);
        await (frame.typing ? services.typing.start(frame.roomId, user) : services.typing.stop(frame.roomId, user.id));
        return frame.ref === undefined ? undefined : {};
    }
  }

  private subscribe(peer: Peer, roomId: string) {
    peer.rooms.add(roomId);
    let set = this.byRoom.get(roomId);
    if (!set) this.byRoom.set(roomId, (set = new Set()));
    set.add(peer);
  }

  private async leave(peer: Peer, roomId: string) {
    if (!peer.rooms.delete(roomId)) return;
    const set = this.byRoom.get(roomId);
    set?.delete(peer);
    if (set?.size === 0) this.byRoom.delete(roomId);
    const { services, broadcast } = this.deps;
    if (peer.user && (await services.presence.remove(roomId, peer.user.id, peer.id))) {
      broadcast.presence(roomId, await services.presence.list(roomId));
    }
  }

  private async gone(peer: Peer) {
    if (!this.peers.delete(peer)) return;
    clearTimeout(peer.pongTimer);
    for (const roomId of [...peer.rooms]) await this.leave(peer, roomId).catch(() => undefined);
    if (peer.user) this.deps.policy.connections.release(peer.user.id, peer.ip);
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

  private async refuse(peer: Peer, ref: string | undefined, error: ErrorBody) {
    this.send(peer, ref === undefined ? { type: "error", error } : { type: "ack", ref, ok: false, error });
    if (error.code !== "rate_limited" && error.code !== "invalid_payload") return;
    if ((await this.deps.policy.limits.take("refusalPerSocket", peer.id)) !== null) peer.ws.close(4429, "too many refused frames");
  }

  private fail(peer: Peer, error: ErrorBody, closeCode: number) {
    this.send(peer, { type: "error", error });
    peer.ws.close(closeCode, error.code);
  }

  private send(peer: Peer, frame: object) {
    if (peer.ws.readyState === WebSocket.OPEN) peer.ws.send(JSON.stringify(frame));
  }
}
