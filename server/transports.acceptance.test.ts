/**
 * The transport acceptance suite: the same cases, run over Socket.IO (a browser's socket) and
 * over `/ws` (a bot), against the one room hub (server/realtime/room-hub.ts). "Both
 * transports behave alike" is this one suite, not two copies that drift (after
 * automerge-repo's `runNetworkAdapterTests`). Each case also mixes in a client of the other
 * transport where one transport's action must reach the other's clients.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type ClientSocket, type TestServer } from "./test/harness";
import { TRANSPORTS, type TransportClient, type TransportName } from "./test/transport-clients";

let server: TestServer;
const clients: TransportClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
});

async function client(transport: TransportName, name: string) {
  const c = await TRANSPORTS[transport](server, name);
  clients.push(c);
  return c;
}

/** A room made by a browser owner (rooms are made from the directory, a Socket.IO feature). */
async function room(visibility: "public" | "private" = "public") {
  const owner = await server.guest("Owner");
  const socket = await server.socket(owner.cookie);
  const created = await socket.emitWithAck("room:create", { name: `Room ${randomUUID().slice(0, 6)}`, visibility });
  if (!created.ok) throw new Error(created.error.message);
  let invite: string | undefined;
  if (visibility === "private") {
    const made = await socket.emitWithAck("room:invite", { roomId: created.data.room.id });
    if (!made.ok) throw new Error(made.error.message);
    invite = made.data.token;
  }
  return { ...created.data.room, owner: { ...owner, socket }, invite };
}

const names = (online: Array<{ name: string }>) => online.map((u) => u.name).sort();
const other = (t: TransportName): TransportName => (t === "ws" ? "socket.io" : "ws");

describe.each(["socket.io", "ws"] as const)("over %s", (transport) => {
  it("join answers with the room, its latest history and who is here; others hear the newcomer", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const first = await ada.request("room:join", { slug: r.slug });
    expect(first).toMatchObject({ ok: true, data: { room: { id: r.id, slug: r.slug }, history: { messages: [], hasMore: false }, typing: [] } });
    expect(first.ok && names(first.data.online)).toEqual(["Ada"]);
    expect((await bob.request("room:join", { slug: r.slug })).ok).toBe(true);
    const seen = await ada.next((e) => e.type === "presence.changed" && e.online.length === 2);
    expect(seen.type === "presence.changed" && names(seen.online)).toEqual(["Ada", "Bob"]);
  });

  it("send is acknowledged after commit with its seq, and every member hears it once, on both transports", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    const cat = await client(transport, "Cat");
    for (const c of [ada, bob, cat]) expect((await c.request("room:join", { slug: r.slug })).ok).toBe(true);
    const sent = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "hello both transports" });
    expect(sent).toMatchObject({ ok: true, data: { duplicate: false, message: { seq: 1, body: "hello both transports", author: { name: "Ada" } } } });
    for (const c of [ada, bob, cat]) {
      const heard = await c.next((e) => e.type === "message.created");
      expect(heard.type === "message.created" && heard.message.id).toBe(sent.ok && sent.data.message.id);
    }
  });

  it("a resent clientId is stored once and heard once", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    const clientId = randomUUID();
    const first = await ada.request("message:send", { roomId: r.id, clientId, body: "once" });
    const again = await ada.request("message:send", { roomId: r.id, clientId, body: "once" });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, message: { id: first.ok && first.data.message.id, seq: 1 } } });
    await bob.next((e) => e.type === "message.created");
    const marker = await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "after" });
    const next = await bob.next((e) => e.type === "message.created");
    expect(next.type === "message.created" && next.message.seq).toBe(marker.ok && marker.data.message.seq);
  });

  it("history pages backwards and forwards by seq; a rejoin with `after` gets what it missed", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    for (let i = 1; i <= 5; i++) await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: `m${i}` });
    const older = await ada.request("message:history", { roomId: r.id, before: 4, limit: 2 });
    expect(older.ok && older.data.messages.map((m: { body: string }) => m.body)).toEqual(["m2", "m3"]);
    expect(older.ok && older.data.hasMore).toBe(true);
    const newer = await ada.request("message:history", { roomId: r.id, after: 3 });
    expect(newer.ok && newer.data.messages.map((m: { body: string }) => m.body)).toEqual(["m4", "m5"]);
    const rejoin = await ada.request("room:join", { slug: r.slug, after: 2 });
    expect(rejoin.ok && rejoin.data.history.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5]);
  });

  it("typing reaches the others, not the typist, and needs a joined room", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    expect(await ada.request("typing:start", { roomId: r.id })).toMatchObject({ ok: true });
    expect(await bob.next((e) => e.type === "typing.changed")).toMatchObject({ roomId: r.id, user: { name: "Ada" }, typing: true });
    // Someone joining mid-sentence hears it in the join.
    const cat = await client(transport, "Cat");
    const joined = await cat.request("room:join", { slug: r.slug });
    expect(joined.ok && names(joined.data.typing)).toEqual(["Ada"]);
    await ada.request("typing:stop", { roomId: r.id });
    expect(await bob.next((e) => e.type === "typing.changed" && !e.typing)).toMatchObject({ user: { name: "Ada" } });
    expect(ada.events.filter((e) => e.type === "typing.changed")).toEqual([]);
    expect(await ada.request("typing:start", { roomId: randomUUID() })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("leaving takes the client out of presence and out of the room's events", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [ada, bob]) await c.request("room:join", { slug: r.slug });
    expect(await ada.request("room:leave", { roomId: r.id })).toMatchObject({ ok: true });
    const list = await bob.next((e) => e.type === "presence.changed" && names(e.online).join() === "Bob");
    expect(list.type === "presence.changed" && names(list.online)).toEqual(["Bob"]);
    await bob.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "anyone?" });
    await bob.next((e) => e.type === "message.created");
    expect(ada.events.filter((e) => e.type === "message.created")).toEqual([]);
  });

  it("revocation: a removed member stops hearing the room at once and is told; everyone left sees the new presence list", async () => {
    server = await startTestServer();
    const r = await room("private");
    const eve = await client(transport, "Eve");
    const ada = await client(transport, "Ada");
    const bob = await client(other(transport), "Bob");
    for (const c of [eve, ada, bob]) expect((await c.request("room:join", { slug: r.slug, invite: r.invite })).ok).toBe(true);
    await ada.next((e) => e.type === "presence.changed" && e.online.length === 3);
    await bob.next((e) => e.type === "presence.changed" && e.online.length === 3);

    const removed = await r.owner.socket.emitWithAck("room:remove-member", { roomId: r.id, userId: eve.user.id });
    expect(removed.ok).toBe(true);
    expect(await eve.next((e) => e.type === "access.revoked")).toMatchObject({ roomId: r.id, reason: "removed" });
    // The gap this suite closes: both transports' remaining members get the list without Eve.
    for (const c of [ada, bob]) {
      const list = await c.next((e) => e.type === "presence.changed" && !e.online.some((u) => u.name === "Eve"));
      expect(list.type === "presence.changed" && names(list.online)).toEqual(["Ada", "Bob"]);
    }
    await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "after Eve left" });
    await bob.next((e) => e.type === "message.created");
    expect(eve.events.filter((e) => e.type === "message.created")).toEqual([]);
    expect(await eve.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "still here?" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.request("room:join", { slug: r.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("a deleted room: its members are told, and it is gone", async () => {
    server = await startTestServer();
    const r = await room();
    const ada = await client(transport, "Ada");
    await ada.request("room:join", { slug: r.slug });
    expect((await r.owner.socket.emitWithAck("room:delete", { roomId: r.id })).ok).toBe(true);
    expect(await ada.next((e) => e.type === "access.revoked")).toMatchObject({ roomId: r.id, reason: "deleted" });
    expect(await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "hello?" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("refuses bad input with a clear code and changes nothing", async () => {
    server = await startTestServer();
    const r = await room("private");
    const ada = await client(transport, "Ada");
    expect(await ada.request("room:join", { slug: r.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("message:send", { roomId: r.id, clientId: randomUUID(), body: "let me in" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await ada.request("message:history", { roomId: r.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const open = await room();
    await ada.request("room:join", { slug: open.slug });
    expect(await ada.request("message:send", { roomId: open.id, clientId: "not-a-uuid", body: "x" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(await ada.request("message:send", { roomId: open.id, clientId: randomUUID(), body: "   " })).toMatchObject({ ok: false, error: { code: "message_empty" } });
    expect(await ada.request("message:send", { roomId: open.id, clientId: randomUUID(), body: "x".repeat(4001) })).toMatchObject({ ok: false, error: { code: "message_too_long" } });
    expect(await ada.request("message:history", { roomId: open.id, before: 5, after: 1 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    const page = await ada.request("message:history", { roomId: open.id });
    expect(page.ok && page.data.messages).toEqual([]);
  });
});

// Referenced so that a change of the Socket.IO client type shows here too.
export type { ClientSocket };
