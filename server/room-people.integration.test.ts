/**
 * A room's people over both transports, on both engines: the Members list and mention
 * suggestions ask the server, so a follower who is offline is found; roles come with them;
 * a private room's people are its members', refused to anyone else.
 */
import { describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf, createdRoom, ok, type TransportClient } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);


const created = createdRoom;

type Person = { id: string; name: string; guest: boolean; role: string | null };

describe.each(["socket.io", "ws"] as const)("a room's people over %s", (transport) => {
  it("followers (offline ones too) and the owner, with roles, searched by a name's or word's start; a private room's only for its members", async () => {
    server = await startTestServer({ firstAccountAdmin: true });
    const admin = await client("socket.io", "Root Admin", { account: true });
    const owner = await client("socket.io", "Olga Owner", { account: true });
    const reader = await client(transport, "Rita Reader", { account: true });
    const away = await client("socket.io", "Ada Lovelace");
    const mod = await client("socket.io", "Mo Moderator", { account: true });
    const room = await created(owner, "Plaza");
    for (const c of [admin, reader, away, mod]) ok(await c.request("room:join", { slug: room.slug }));
    ok(await owner.request("room:moderator", { roomId: room.id, userId: mod.user.id, moderator: true }));
    // Ada goes offline: she still follows the room, so she can be mentioned.
    away.close();

    const people = async (c: TransportClient, roomId: string, query?: string) => (ok(await c.request("room:people" as never, { roomId, ...(query !== undefined ? { query } : {}) })).data as { people: Person[] }).people;
    const everyone = await people(reader, room.id);
    expect(everyone.map((p) => [p.name, p.role, p.guest])).toEqual([
      ["Ada Lovelace", null, true],
      ["Mo Moderator", "moderator", false],
      ["Olga Owner", "owner", false],
      ["Rita Reader", null, false],
      ["Root Admin", "admin", false],
    ]);
    expect((await people(reader, room.id, "lov")).map((p) => p.id)).toEqual([away.user.id]);
    expect((await people(reader, room.id, "R")).map((p) => p.name)).toEqual(["Rita Reader", "Root Admin"]);
    expect((await people(reader, room.id, "zzz"))).toEqual([]);
    expect(await reader.request("room:people" as never, { roomId: room.id, limit: 1000 })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });

    // A private room: its members only; anyone else is refused as if it did not exist.
    const hidden = await created(owner, "Hidden", "private");
    expect((await people(owner, hidden.id)).map((p) => p.name)).toEqual(["Olga Owner"]);
    expect(await reader.request("room:people" as never, { roomId: hidden.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});
