/** Private rooms over the socket: a non-member learns nothing, and a removed member stops at once. */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { collect, nextEvent, startTestServer, type ClientSocket, type TestServer } from "./test/harness";

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

async function person(name: string): Promise<ClientSocket> {
  return server.socket((await server.guest(name)).cookie);
}

/**
 * "Nothing arrived", checked without a fixed wait: `from` says something in a public room
 * `to` is in, after whatever must not reach `to`; one server delivers to a socket in order,
 * so once `to` hears the marker, anything sent before it would have arrived already.
 */
async function marker(from: ClientSocket, to: ClientSocket): Promise<void> {
  const created = await from.emitWithAck("room:create", { name: `Lobby ${randomUUID().slice(0, 6)}` });
  if (!created.ok) throw new Error(created.error.message);
  for (const s of [from, to]) await s.emitWithAck("room:join", { slug: created.data.room.slug });
  const heard = nextEvent(to, "message:created", (m) => m.body === "marker");
  await from.emitWithAck("message:send", { roomId: created.data.room.id, clientId: randomUUID(), body: "marker" });
  await heard;
}

describe("private rooms", () => {
  it("a non-member can neither list, join, read history, see presence nor receive a single message", async () => {
    server = await startTestServer();
    const ada = await person("Ada");
    const eve = await person("Eve");
    const eveSawCreated = collect(eve, "room:created");
    const created = await ada.emitWithAck("room:create", { name: "Secret Plans", visibility: "private" });
    if (!created.ok) throw new Error(created.error.message);
    const room = created.data.room;
    await ada.emitWithAck("room:join", { slug: room.slug });

    const everything = ["message:created", "presence:changed", "typing:changed", "room:updated"] as const;
    const eveSaw = everything.flatMap((e) => collect(eve, e));
    expect(await eve.emitWithAck("room:list", {})).toEqual({ ok: true, data: { rooms: [] } });
    expect(await eve.emitWithAck("room:join", { slug: room.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.emitWithAck("room:join", { slug: room.slug, invite: "guessed" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.emitWithAck("message:history", { roomId: room.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "hi" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await eve.emitWithAck("room:members", { roomId: room.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await eve.emitWithAck("room:invite", { roomId: room.id })).toMatchObject({ ok: false, error: { code: "not_found" } });

    await ada.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "members only" });
    ada.emit("typing:start", { roomId: room.id });
    await ada.emitWithAck("room:rename", { roomId: room.id, name: "Still Secret" });
    await marker(ada, eve);
    // The marker room's own events are Eve's to hear; nothing of the secret room's.
    expect(eveSaw.filter((e) => (e as { roomId?: string; id?: string }).roomId === room.id || (e as { id?: string }).id === room.id)).toEqual([]);
    expect(eveSawCreated.filter((r) => r.id === room.id)).toEqual([]);
  });

  it("an invite link lets a person in; a removed member stops receiving at once and cannot come back", async () => {
    server = await startTestServer();
    const ada = await person("Ada");
    const { cookie: bobCookie, user: bob } = await server.guest("Bob");
    const bobSocket = await server.socket(bobCookie);
    const created = await ada.emitWithAck("room:create", { name: "Club", visibility: "private" });
    if (!created.ok) throw new Error("create");
    const room = created.data.room;
    await ada.emitWithAck("room:join", { slug: room.slug });
    const invite = await ada.emitWithAck("room:invite", { roomId: room.id });
    if (!invite.ok) throw new Error("invite");

    const bobArrives = nextEvent(ada, "presence:changed", (e) => e.online.length === 2);
    const joined = await bobSocket.emitWithAck("room:join", { slug: room.slug, invite: invite.data.token });
    expect(joined).toMatchObject({ ok: true, data: { room: { id: room.id } } });
    await bobArrives;
    expect(await bobSocket.emitWithAck("room:list", {})).toMatchObject({ ok: true, data: { rooms: [{ id: room.id }] } });
    expect(await ada.emitWithAck("room:members", { roomId: room.id })).toMatchObject({
      ok: true,
      data: { members: [{ name: "Ada" }, { name: "Bob" }] },
    });

    // Only the creator manages.
    expect(await bobSocket.emitWithAck("room:remove-member", { roomId: room.id, userId: bob.id })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });

    const removed = nextEvent(bobSocket, "room:removed");
    const bobLeaves = nextEvent(ada, "presence:changed", (e) => e.online.length === 1);
    expect(await ada.emitWithAck("room:remove-member", { roomId: room.id, userId: bob.id })).toEqual({ ok: true, data: {} });
    expect(await removed).toEqual({ roomId: room.id, until: null, message: "You were removed from this room." });
    await bobLeaves;
    const bobHeard = collect(bobSocket, "message:created");
    await ada.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "after Bob left" });
    await marker(ada, bobSocket);
    expect(bobHeard.map((m) => m.body)).toEqual(["marker"]);
    expect(await bobSocket.emitWithAck("room:join", { slug: room.slug })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Nor can he post into it or read it: his socket left the room, so access is checked again.
    expect(await bobSocket.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "still here?" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await bobSocket.emitWithAck("message:history", { roomId: room.id, after: 0 })).toMatchObject({ ok: false, error: { code: "not_found" } });
    // Ada, still in the room, reads it (her socket's subscription stands for the access check).
    expect(await ada.emitWithAck("message:history", { roomId: room.id, after: 0 })).toMatchObject({
      ok: true,
      data: { messages: [{ body: "after Bob left" }] },
    });
  });

  it("the creator deletes a room: members are told, history is gone", async () => {
    server = await startTestServer();
    const ada = await person("Ada");
    const bob = await person("Bob");
    const created = await ada.emitWithAck("room:create", { name: "Ephemeral" });
    if (!created.ok) throw new Error("create");
    const room = created.data.room;
    await bob.emitWithAck("room:join", { slug: room.slug });
    await bob.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: "soon gone" });
    expect(await bob.emitWithAck("room:delete", { roomId: room.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const deleted = nextEvent(bob, "room:deleted");
    expect(await ada.emitWithAck("room:delete", { roomId: room.id })).toEqual({ ok: true, data: {} });
    expect(await deleted).toEqual({ roomId: room.id });
    expect(await bob.emitWithAck("message:history", { roomId: room.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await bob.emitWithAck("room:list", {})).toEqual({ ok: true, data: { rooms: [] } });
  });
});
