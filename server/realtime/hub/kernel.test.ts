import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "../../contract/model";
import type { PublishedRoomEvent } from "../../contract/room-events";
import { createLogger } from "../../logger";
import { SecurityPolicy } from "../../security/policy";
import { createServices, type Services } from "../../services";
import { memoryRepositories } from "../../store/memory";
import { MemoryPresenceStore } from "../../store/memory/presence.store";
import { MemoryTypingStore } from "../../store/memory/typing.store";
import { FakeConnection } from "./fake-connection";
import { RoomHub, type RoomFanout } from "./kernel";
import { ROOM_REQUESTS } from "./requests";

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };

let services: Services;
let policy: SecurityPolicy;
let hub: RoomHub;
let published: PublishedRoomEvent[];
let relayed: PublishedRoomEvent[];
let roomId: string;
let slug: string;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  const repos = memoryRepositories();
  repos.rooms.addUser(ada);
  repos.rooms.addUser(bob);
  services = createServices(repos, { presence: new MemoryPresenceStore(), typing: new MemoryTypingStore() }, { betterAuth: {} as never, sessions: repos.sessions, tokens: repos.tokens });
  policy = new SecurityPolicy({ maxConnectionsPerUser: 2 });
  hub = new RoomHub({ services, policy, log: createLogger("silent"), presence: { delayMs: 10, intervalMs: 10 }, activityIntervalMs: 100 });
  published = [];
  relayed = [];
  const spanning: RoomFanout = { spansNodes: true, publish: (e) => published.push(e) };
  const local: RoomFanout = { spansNodes: false, publish: (e) => relayed.push(e) };
  hub.addFanout(spanning);
  hub.addFanout(local);
  const room = await services.rooms.create(ada, "General");
  roomId = room.id;
  slug = room.slug;
});

afterEach(() => {
  vi.useRealTimers();
});

const open = (user = ada, id = randomUUID()) => {
  const conn = new FakeConnection(id, user);
  return { conn, session: hub.open(conn) };
};

describe("RoomHub's kernel", () => {
  it("answers every capability's requests by name, and nothing else", () => {
    expect(ROOM_REQUESTS).toEqual(
      expect.arrayContaining(["room:join", "room:leave", "message:send", "message:changes", "typing:start", "read:mark", "user:block", "message:search"]),
    );
    expect(ROOM_REQUESTS).not.toContain("room:create");
    expect(new Set(ROOM_REQUESTS).size).toBe(ROOM_REQUESTS.length);
  });

  it("stores, publishes once and runs the after-commit hooks in order; a resend publishes nothing and runs none", async () => {
    const order: string[] = [];
    hub.addFanout({ spansNodes: true, publish: (e) => order.push(e.type) });
    hub.onStored((m) => void order.push(`stored ${m.seq}`));
    const { session } = open();
    await hub.request(session, "room:join", { slug });
    order.length = 0;
    const clientId = randomUUID();
    const ack = await hub.request(session, "message:send", { roomId, clientId, body: "hello" });
    expect(ack).toMatchObject({ ok: true, data: { duplicate: false, message: { seq: 1, body: "hello" } } });
    // The message, then the attention capability's activity, then the listener added last.
    expect(order).toEqual(["message.created", "room.activity", "stored 1"]);
    order.length = 0;
    const again = await hub.request(session, "message:send", { roomId, clientId, body: "hello" });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, message: { seq: 1 } } });
    expect(order).toEqual([]);
  });

  it("logs a failing after-store hook; the send is acknowledged and later hooks still run", async () => {
    const log = createLogger("silent");
    const warn = vi.spyOn(log, "warn");
    hub = new RoomHub({ services, policy, log });
    const seen: number[] = [];
    hub.onStored(() => {
      throw new Error("push is down");
    });
    hub.onStored((m: ChatMessage) => void seen.push(m.seq));
    const { session } = open();
    await hub.request(session, "room:join", { slug });
    const ack = await hub.request(session, "message:send", { roomId, clientId: randomUUID(), body: "hello" });
    expect(ack.ok).toBe(true);
    expect(seen).toEqual([1]);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ roomId }), "an after-store hook failed");
  });

  it("refuses an invalid payload with the first issue, and closes a connection that keeps collecting refusals", async () => {
    const { conn, session } = open();
    const refused = await hub.request(session, "message:send", { roomId, body: "no client id" });
    expect(refused).toEqual({ ok: false, error: { code: "invalid_payload", message: expect.stringMatching(/^Invalid payload: clientId: /) } });
    expect(conn.closedWith).toBeUndefined();
    // Past the refusal budget, the next refusal closes it.
    const take = vi.spyOn(policy.limits, "take").mockImplementation(async (name) => (name === "refusalPerSocket" ? 1000 : null));
    await hub.request(session, "message:send", { roomId });
    expect(conn.closedWith).toBe("too many refused requests");
    take.mockRestore();
  });

  it("answers a connection past its event budget with rate_limited, without running the request", async () => {
    const { session } = open();
    vi.spyOn(policy.limits, "take").mockImplementation(async (name) => (name === "eventPerSocket" ? 1000 : null));
    const send = vi.spyOn(services.messages, "send");
    const ack = await hub.request(session, "message:send", { roomId, clientId: randomUUID(), body: "x" });
    expect(ack).toEqual({ ok: false, error: { code: "rate_limited", message: expect.any(String) } });
    expect(send).not.toHaveBeenCalled();
  });

  it("translates a domain refusal once, and a connection that is not in the room may not type in it", async () => {
    const { session } = open();
    const ack = await hub.request(session, "typing:start", { roomId });
    expect(ack).toEqual({ ok: false, error: { code: "not_found", message: "Join the room first." } });
  });

  it("caps connections per user, and gives the place back on close", async () => {
    open();
    const second = open();
    expect(() => open()).toThrowError(expect.objectContaining({ code: "too_many_connections" }));
    await hub.close(second.session);
    expect(() => open()).not.toThrow();
  });

  it("publishes to every fan-out and the relay; a relayed event reaches only the fan-outs that do not span nodes", () => {
    const relay = { event: vi.fn(), revoked: vi.fn(), closed: vi.fn() };
    hub.setRelay(relay);
    const event: PublishedRoomEvent = { type: "typing.changed", roomId, user: ada, typing: true };
    hub.publish(event);
    expect(published).toEqual([event]);
    expect(relayed).toEqual([event]);
    expect(relay.event).toHaveBeenCalledWith(event);
    hub.publishRelayed(event);
    expect(published).toEqual([event]);
    expect(relayed).toEqual([event, event]);
  });

  it("revokes one user's access at once: their connections leave the room and its presence and are told; others stay", async () => {
    const relay = { event: vi.fn(), revoked: vi.fn(), closed: vi.fn() };
    hub.setRelay(relay);
    const a = open(ada);
    const b = open(bob);
    await hub.request(a.session, "room:join", { slug });
    await hub.request(b.session, "room:join", { slug });
    await vi.advanceTimersByTimeAsync(50);
    published.length = 0;
    await hub.revoke(roomId, bob.id);
    expect(relay.revoked).toHaveBeenCalledWith(roomId, bob.id);
    expect(b.conn.subscribed.has(roomId)).toBe(false);
    expect(published).toContainEqual({ type: "room.removed", roomId: null, userId: bob.id, room: roomId, until: null, message: "You were removed from this room." });
    expect(b.session.rooms.has(roomId)).toBe(false);
    expect(a.conn.subscribed.has(roomId)).toBe(true);
    expect(a.conn.delivered.some((e) => e.type === "access.revoked")).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(published).toContainEqual({ type: "presence.changed", roomId, online: [ada] });
    // A deleted room: everyone.
    await hub.revoke(roomId, null);
    expect(a.conn.delivered.at(-1)).toEqual({ type: "access.revoked", roomId, reason: "deleted" });
  });

  it("a closed connection leaves every room's presence list", async () => {
    const a = open(ada);
    const b = open(bob);
    await hub.request(a.session, "room:join", { slug });
    await hub.request(b.session, "room:join", { slug });
    expect(await services.presence.list(roomId)).toHaveLength(2);
    await hub.close(b.session);
    expect(await services.presence.list(roomId)).toEqual([ada]);
  });

  it("a joined room's activity stops reaching the connection; leaving a followed room brings it back", async () => {
    const { conn, session } = open();
    await hub.request(session, "room:join", { slug });
    expect(conn.subscribed.has(roomId)).toBe(true);
    expect(conn.watched.has(roomId)).toBe(false);
    await hub.request(session, "room:leave", { roomId });
    expect(conn.subscribed.has(roomId)).toBe(false);
    expect(conn.watched.has(roomId)).toBe(true);
  });

  it("leaving a followed room leaves no moment in which its messages reach the connection neither way", async () => {
    const { conn, session } = open();
    await hub.request(session, "room:join", { slug });
    // Every change of the connection's state, checked as it happens.
    const gaps: string[] = [];
    const check = (what: string) => {
      if (!conn.subscribed.has(roomId) && !conn.watched.has(roomId)) gaps.push(what);
    };
    const unsubscribe = conn.unsubscribe.bind(conn);
    conn.unsubscribe = (id: string) => {
      unsubscribe(id);
      check("after unsubscribe");
    };
    const watch = conn.watch.bind(conn);
    conn.watch = (id: string) => {
      check("before watch");
      watch(id);
    };
    await hub.request(session, "room:leave", { roomId });
    expect(gaps).toEqual([]);
    expect(conn.subscribed.has(roomId)).toBe(false);
    expect(conn.watched.has(roomId)).toBe(true);
  });
});
