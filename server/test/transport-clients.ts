/**
 * One client interface over both transports, for the transport acceptance suite
 * (server/transports.acceptance.test.ts): requests by their contract names, and every event
 * heard, normalised to the hub's `RoomEvent` shape. A Socket.IO client is a guest with a
 * socket; a `/ws` client is an account's bot with a token.
 */
import { randomUUID } from "node:crypto";
import { afterEach } from "vitest";
import type { UserSummary } from "../contract/model";
import type { RoomEvent } from "../contract/room-events";
import type { RoomRequest } from "../realtime/hub";
import { TestBot } from "./bot-client";
import type { ClientSocket, TestServer } from "./harness";

/** An answer as a test reads it (whatever the data is). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the ack carries
export type TestAck = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

export interface TransportClient {
  readonly transport: "socket.io" | "ws";
  readonly user: UserSummary;
  request(name: RoomRequest, payload: Record<string, unknown>): Promise<TestAck>;
  /** What authenticates its HTTP requests (files): a browser's cookie, a bot's bearer token. */
  readonly http: Record<string, string>;
  /** An account's username (its password is `TEST_PASSWORD`); null for a guest. */
  readonly username: string | null;
  /** Settles when the server closes the connection: Socket.IO's reason, or `/ws`'s close code and reason. */
  readonly closed: Promise<{ code?: number; reason: string }>;
  /** Every event heard so far, in order. */
  readonly events: RoomEvent[];
  /** The next event (heard already or to come) matching `match`; it is taken from `events`. */
  next(match: (e: RoomEvent) => boolean, ms?: number): Promise<RoomEvent>;
  close(): void;
}

export type TransportName = TransportClient["transport"];

class EventLog {
  readonly events: RoomEvent[] = [];
  private readonly waiters = new Set<{ match: (e: RoomEvent) => boolean; resolve: (e: RoomEvent) => void }>();

  push(event: RoomEvent) {
    this.events.push(event);
    for (const w of this.waiters) {
      if (!w.match(event)) continue;
      this.waiters.delete(w);
      this.events.splice(this.events.indexOf(event), 1);
      w.resolve(event);
      return;
    }
  }

  next(match: (e: RoomEvent) => boolean, ms = 3000): Promise<RoomEvent> {
    const seen = this.events.find(match);
    if (seen) {
      this.events.splice(this.events.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (e: RoomEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching event within ${ms} ms; heard ${JSON.stringify(this.events)}`));
      }, ms);
      this.waiters.add(waiter);
    });
  }
}

/** Every test account's password. */
export const TEST_PASSWORD = "bot password";

/** An account made through the HTTP API: its session cookie, user and username. */
export async function signUp(server: TestServer, name: string): Promise<{ cookie: string; user: UserSummary; username: string }> {
  const username = `${name.toLowerCase().replace(/\W/g, "")}_${randomUUID().slice(0, 6)}`;
  const res = await fetch(`${server.url}/api/account/sign-up`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: TEST_PASSWORD, displayName: name }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status}`);
  const user = ((await res.clone().json()) as { user: UserSummary }).user;
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, user, username };
}

/** A browser-like client: a guest session (or, with `account`, an account's) and a Socket.IO socket. */
export async function socketIoClient(server: TestServer, name: string, options: { account?: boolean } = {}): Promise<TransportClient> {
  const made = options.account ? await signUp(server, name) : await server.guest(name);
  const { cookie, user } = made;
  const socket: ClientSocket = await server.socket(cookie);
  const closed = new Promise<{ reason: string }>((resolve) => socket.on("disconnect", (reason) => resolve({ reason })));
  const log = new EventLog();
  socket.on("message:created", (message) => log.push({ type: "message.created", roomId: message.roomId, message }));
  socket.on("message:changed", (change) => log.push({ type: "message.changed", roomId: change.roomId, change }));
  socket.on("presence:changed", (e) => log.push({ type: "presence.changed", ...e }));
  socket.on("typing:changed", (e) => log.push({ type: "typing.changed", ...e }));
  socket.on("room:activity", (e) => log.push({ type: "room.activity", ...e }));
  socket.on("attention:changed", (e) => log.push({ type: "attention.changed", roomId: null, userId: user.id, ...e }));
  socket.on("room:removed", ({ roomId, until, message }) => {
    // Both: the loss of the room, and the person's own account of it (why, until when).
    log.push({ type: "access.revoked", roomId, reason: "removed" });
    log.push({ type: "room.removed", roomId: null, userId: user.id, room: roomId, until: until ?? null, message: message ?? "" });
  });
  socket.on("room:deleted", ({ roomId }) => log.push({ type: "access.revoked", roomId, reason: "deleted" }));
  socket.on("room:created", (room) => log.push({ type: "room.added", roomId: null, userId: user.id, room }));
  socket.on("blocks:changed", ({ blocked }) => log.push({ type: "blocks.changed", roomId: null, userId: user.id, blocked }));
  socket.on("profile:changed", (e) => log.push({ type: "profile.changed", roomId: null, userId: user.id, user: e.user }));
  socket.on("powers:changed", (e) => log.push({ type: "powers.changed", roomId: null, userId: user.id, room: e.roomId }));
  socket.on("reports:changed", (e) => log.push({ type: "reports.changed", roomId: null, userId: user.id, room: e.roomId }));
  socket.on("account:closed", (e) => log.push({ type: "account.closed", roomId: null, reason: e.reason, message: e.message, until: e.until }));
  return {
    transport: "socket.io",
    user,
    username: "username" in made ? (made.username as string) : null,
    closed,
    http: { cookie },
    events: log.events,
    next: (match, ms) => log.next(match, ms),
    request: (name, payload) => (socket.emitWithAck as (e: string, p: unknown) => Promise<TestAck>)(name, payload),
    close: () => socket.close(),
  };
}

/** A bot: an account, a token made from its browser session, and a `/ws` connection. */
export async function wsClient(server: TestServer, name: string): Promise<TransportClient> {
  const { cookie, user, username } = await signUp(server, name);
  const owner = await server.socket(cookie);
  const created = await owner.emitWithAck("token:create", { name: "acceptance" });
  owner.close();
  if (!created.ok) throw new Error(created.error.message);
  const bot = await TestBot.open(server.url, { authorization: `Bearer ${created.data.token}` });
  await bot.next((f) => f.type === "hello");
  const closed = new Promise<{ code: number; reason: string }>((resolve) => bot.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  const log = new EventLog();
  bot.ws.on("message", (data) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a frame as the bot reads it
    const f = JSON.parse(data.toString()) as any;
    if (f.type === "message") log.push({ type: "message.created", roomId: (f.message as { roomId: string }).roomId, message: f.message });
    else if (f.type === "change") log.push({ type: "message.changed", roomId: f.change.roomId, change: f.change });
    else if (f.type === "presence") log.push({ type: "presence.changed", roomId: f.roomId, online: f.online });
    else if (f.type === "typing") log.push({ type: "typing.changed", roomId: f.roomId, user: f.user, typing: f.typing });
    else if (f.type === "activity") log.push({ type: "room.activity", roomId: f.roomId, seq: f.seq, readBy: f.readBy, mentions: f.mentions, mentionAuthors: f.mentionAuthors });
    else if (f.type === "attention") log.push({ type: "attention.changed", roomId: null, userId: user.id, read: f.read, unfollowed: f.unfollowed });
    else if (f.type === "blocks") log.push({ type: "blocks.changed", roomId: null, userId: user.id, blocked: f.blocked });
    else if (f.type === "profile") log.push({ type: "profile.changed", roomId: null, userId: user.id, user: f.user });
    else if (f.type === "powers") log.push({ type: "powers.changed", roomId: null, userId: user.id, room: f.roomId });
    else if (f.type === "reports") log.push({ type: "reports.changed", roomId: null, userId: user.id, room: f.roomId });
    else if (f.type === "room_added") log.push({ type: "room.added", roomId: null, userId: user.id, room: f.room });
    else if (f.type === "account_closed") log.push({ type: "account.closed", roomId: null, reason: f.reason, message: f.message, until: f.until });
    else if (f.type === "room_removed" || f.type === "room_deleted") log.push({ type: "access.revoked", roomId: f.roomId, reason: f.type === "room_removed" ? "removed" : "deleted" });
    if (f.type === "room_removed") log.push({ type: "room.removed", roomId: null, userId: user.id, room: f.roomId, until: f.until ?? null, message: f.message ?? "" });
  });
  const frames: Record<RoomRequest, (p: Record<string, unknown>) => Record<string, unknown>> = {
    "room:join": ({ slug, ...rest }) => ({ type: "join", room: slug, ...rest }),
    "room:leave": (p) => ({ type: "leave", ...p }),
    "message:send": (p) => ({ type: "send", ...p }),
    "message:history": (p) => ({ type: "history", ...p }),
    "message:edit": (p) => ({ type: "edit", ...p }),
    "message:delete": (p) => ({ type: "delete", ...p }),
    "reaction:add": (p) => ({ type: "react", ...p }),
    "reaction:remove": (p) => ({ type: "unreact", ...p }),
    "message:changes": (p) => ({ type: "changes", ...p }),
    "typing:start": (p) => ({ type: "typing", typing: true, ...p }),
    "typing:stop": (p) => ({ type: "typing", typing: false, ...p }),
    "attention:sync": (p) => ({ type: "attention", ...p }),
    "read:mark": (p) => ({ type: "read", ...p }),
    "read:all": (p) => ({ type: "read_all", ...p }),
    "room:unfollow": (p) => ({ type: "unfollow", ...p }),
    "room:notify": (p) => ({ type: "notify", ...p }),
    "message:search": (p) => ({ type: "search", ...p }),
    "user:block": (p) => ({ type: "block", ...p }),
    "user:blocks": (p) => ({ type: "blocks", ...p }),
    // No alias: the contract's name is the frame's type.
    "account:avatar": (p) => ({ type: "account:avatar", ...p }),
    "account:name": (p) => ({ type: "account:name", ...p }),
    "room:people": (p) => ({ type: "room:people", ...p }),
    "room:powers": (p) => ({ type: "room:powers", ...p }),
    "room:moderators": (p) => ({ type: "room:moderators", ...p }),
    "room:moderator": (p) => ({ type: "room:moderator", ...p }),
    "user:role": (p) => ({ type: "user:role", ...p }),
    "user:mute": (p) => ({ type: "user:mute", ...p }),
    "user:unmute": (p) => ({ type: "user:unmute", ...p }),
    "room:kick": (p) => ({ type: "room:kick", ...p }),
    "room:unkick": (p) => ({ type: "room:unkick", ...p }),
    "user:ban": (p) => ({ type: "user:ban", ...p }),
    "user:unban": (p) => ({ type: "user:unban", ...p }),
    "sanctions:list": (p) => ({ type: "sanctions:list", ...p }),
    "audit:list": (p) => ({ type: "audit:list", ...p }),
    "report:file": (p) => ({ type: "report:file", ...p }),
    "users:list": (p) => ({ type: "users:list", ...p }),
    "rooms:all": (p) => ({ type: "rooms:all", ...p }),
    "reports:list": (p) => ({ type: "reports:list", ...p }),
    "report:resolve": (p) => ({ type: "report:resolve", ...p }),
    "user:purge": (p) => ({ type: "user:purge", ...p }),
    "purges:list": (p) => ({ type: "purges:list", ...p }),
    "user:password": (p) => ({ type: "user:password", ...p }),
    "settings:get": (p) => ({ type: "settings:get", ...p }),
    "settings:set": (p) => ({ type: "settings:set", ...p }),
  };
  return {
    transport: "ws",
    user,
    username,
    closed,
    http: { authorization: `Bearer ${created.data.token}` },
    events: log.events,
    next: (match, ms) => log.next(match, ms),
    async request(name, payload) {
      const ack = await bot.request(frames[name](payload));
      return ack.ok ? { ok: true, data: ack.data } : { ok: false, error: ack.error! };
    },
    close: () => bot.close(),
  };
}

export const TRANSPORTS: Record<TransportName, (server: TestServer, name: string) => Promise<TransportClient>> = {
  "socket.io": (server, name) => socketIoClient(server, name),
  ws: wsClient,
};

/** An account's client over `transport` (a bot's token over `/ws`, a browser's session over Socket.IO). */
export const ACCOUNTS: Record<TransportName, (server: TestServer, name: string) => Promise<TransportClient>> = {
  "socket.io": (server, name) => socketIoClient(server, name, { account: true }),
  ws: wsClient,
};

/**
 * A test file's clients on the server each test starts: `client(transport, name)` opens one;
 * after each test every client is closed, then the server.
 */
export function clientsOf(serverOf: () => TestServer | undefined) {
  const open: TransportClient[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await serverOf()?.close();
  });
  return async function client(transport: TransportName, name: string, options: { account?: boolean } = {}): Promise<TransportClient> {
    const server = serverOf();
    if (!server) throw new Error("start the test's server first");
    const c = await (options.account ? ACCOUNTS : TRANSPORTS)[transport](server, name);
    open.push(c);
    return c;
  };
}

/** A refusal for want of the right (what the permission matrices expect). */
export const FORBIDDEN = { ok: false, error: { code: "forbidden" } };

/** The acknowledgement, which must be a success (its error thrown otherwise, with its code). */
export function ok(ack: TestAck): TestAck & { ok: true } {
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack;
}

/** A room made by `c` (over Socket.IO: the gateway has no room:create), its name made unique. */
export async function createdRoom(c: TransportClient, name: string, visibility: "public" | "private" = "public"): Promise<{ id: string; slug: string; name: string }> {
  return ok(await c.request("room:create" as never, { name: `${name} ${randomUUID().slice(0, 6)}`, visibility })).data.room as { id: string; slug: string; name: string };
}
