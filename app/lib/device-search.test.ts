import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomSummary } from "@/server/contract/model";
import { searchStoredRooms } from "./device-search";
import type { StoredRoom } from "./local-store";
import { MessageSearchStore } from "./message-search";
import { FakeTransport, settle } from "./testing/fake-transport";

const room = (id: string, name: string): RoomSummary => ({ id, slug: name.toLowerCase(), name, visibility: "public", ownerId: "ada", createdAt: "2026-01-01T00:00:00.000Z" });
const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };
const msg = (r: RoomSummary, seq: number, body: string, author = ada, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `${r.id}-${seq}`,
  roomId: r.id,
  seq,
  clientId: `c${seq}`,
  author,
  body,
  createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  ...extra,
});
const general = room("r1", "General");
const random = room("r2", "Random");
const stored: StoredRoom[] = [
  { slug: "general", room: general, hasOlder: false, changeCursor: 0, touchedAt: 1, messages: [msg(general, 1, "the **release** is friday"), msg(general, 2, "Release notes drafted", bob), msg(general, 3, "", ada, { deleted: true })] },
  { slug: "random", room: random, hasOlder: false, changeCursor: 0, touchedAt: 1, messages: [msg(random, 4, "no release here, `release` in code"), msg(random, 5, "lunch?")] },
];

describe("searchStoredRooms", () => {
  it("finds every term as a substring, newest first, with readable snippets", () => {
    const results = searchStoredRooms(stored, "release");
    expect(results.map((r) => r.message.id)).toEqual(["r2-4", "r1-2", "r1-1"]);
    expect(results.at(-1)!.snippet).toEqual({ text: "the release is friday", highlights: [[4, 11]] });
    expect(results[0]!.snippet.text).toBe("no release here, release in code");
  });

  it("takes from:, in: and a room, and skips deleted messages", () => {
    expect(searchStoredRooms(stored, "from:bob release").map((r) => r.message.id)).toEqual(["r1-2"]);
    expect(searchStoredRooms(stored, "in:random release").map((r) => r.message.id)).toEqual(["r2-4"]);
    expect(searchStoredRooms(stored, "release", "r1").map((r) => r.message.id)).toEqual(["r1-2", "r1-1"]);
    expect(searchStoredRooms(stored, "friday notes")).toEqual([]);
    expect(searchStoredRooms(stored, "   ")).toEqual([]);
  });
});

describe("MessageSearchStore with no server", () => {
  it("searches the device and says so; connected, it asks the server", async () => {
    const transport = new FakeTransport();
    transport.connected = false;
    const search = new MessageSearchStore(transport, { search: async (q, roomId) => searchStoredRooms(stored, q, roomId) });
    await search.search("lunch");
    expect(search.get()).toMatchObject({ query: "lunch", onDevice: true, next: null, loading: false });
    expect(search.get().results.map((r) => r.message.id)).toEqual(["r2-5"]);

    transport.connect();
    const asked = search.search("lunch");
    const req = transport.take("message:search");
    req.resolve({ ok: true, data: { results: [], next: null } });
    await asked;
    await settle();
    expect(search.get().onDevice).toBeUndefined();
  });
});
