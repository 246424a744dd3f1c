import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomSummary } from "@/server/contract/model";
import { LocalStore, logFromStored, memoryLocalBackend, mergeStoredRooms, roomsToEvict, storedFromLog, type StoredRoom } from "./local-store";
import { RoomSync } from "./room-sync";
import { FakeTransport, settle } from "./testing/fake-transport";

const room: RoomSummary = { id: "r1", slug: "general", name: "General", visibility: "public", ownerId: "ada", createdAt: "2026-01-01T00:00:00.000Z" };
const bob = { id: "bob", name: "Bob" };
const msg = (seq: number, body = `#${seq}`): ChatMessage => ({
  id: `m${seq}`,
  roomId: room.id,
  seq,
  clientId: `c${seq}`,
  author: bob,
  body,
  createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const stored = (over: Partial<StoredRoom> & { messages: ChatMessage[] }): StoredRoom => ({ slug: "general", room, hasOlder: false, changeCursor: 0, touchedAt: 1, ...over });

/** Timers the test runs by hand. */
function manualTimers() {
  const due: Array<() => void> = [];
  return { timers: { setTimeout: (fn: () => void) => due.push(fn), clearTimeout: () => undefined }, run: () => due.splice(0).forEach((f) => f()) };
}

describe("storedFromLog and mergeStoredRooms", () => {
  it("keeps a room's latest messages and says older ones exist", () => {
    const s = storedFromLog("general", room, { confirmed: range(1, 300), hasOlder: false, changeCursor: 7, pending: [] }, 200, 5);
    expect(s.messages.map((m) => m.seq)).toEqual(range(101, 300).map((m) => m.seq));
    expect(s).toMatchObject({ hasOlder: true, changeCursor: 7, touchedAt: 5 });
    // Short enough: kept whole, and whether older ones exist is the log's own answer.
    expect(storedFromLog("general", room, { confirmed: range(1, 3), hasOlder: false, changeCursor: 0, pending: [] }, 200, 5).hasOlder).toBe(false);
  });

  it("merges two tabs' copies: the union by seq, the further copy wins a seq both hold, the lower cursor", () => {
    const tabA = stored({ messages: [msg(1), msg(2, "edited in A"), msg(3)], changeCursor: 5, touchedAt: 10 });
    const tabB = stored({ messages: [msg(2, "old"), msg(3), msg(4)], changeCursor: 3, hasOlder: true, touchedAt: 20 });
    const merged = mergeStoredRooms(tabA, tabB, 200);
    expect(merged.messages.map((m) => [m.seq, m.body])).toEqual([
      [1, "#1"],
      [2, "edited in A"],
      [3, "#3"],
      [4, "#4"],
    ]);
    // The lower cursor: a catch-up from it replays what the other copy may lack.
    expect(merged.changeCursor).toBe(3);
    expect(merged.touchedAt).toBe(20);
    // The union starts at A's first message, and A says nothing older exists.
    expect(merged.hasOlder).toBe(false);
    expect(mergeStoredRooms(tabA, tabB, 2).messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(mergeStoredRooms(tabA, tabB, 2).hasOlder).toBe(true);
  });

  it("a copy of another room under the same address (deleted and made again) replaces the stored one", () => {
    const other = { ...room, id: "r2" };
    const merged = mergeStoredRooms(stored({ messages: range(1, 5), changeCursor: 9 }), stored({ room: other, messages: [{ ...msg(1), roomId: "r2" }], changeCursor: 0 }), 200);
    expect(merged.room.id).toBe("r2");
    expect(merged.messages).toHaveLength(1);
    expect(merged.changeCursor).toBe(0);
  });
});

describe("roomsToEvict", () => {
  it("evicts the rooms touched longest ago beyond the room count", () => {
    const rooms = [1, 2, 3, 4].map((i) => stored({ slug: `r${i}`, messages: range(1, 2), touchedAt: i }));
    expect(roomsToEvict(rooms, { maxRooms: 2, maxBytes: Infinity }).sort()).toEqual(["r1", "r2"]);
  });

  it("evicts the oldest rooms beyond the byte budget", () => {
    const rooms = [1, 2, 3].map((i) => stored({ slug: `r${i}`, messages: range(1, 50), touchedAt: i }));
    const one = JSON.stringify(rooms[0]).length;
    expect(roomsToEvict(rooms, { maxRooms: 10, maxBytes: one * 2 + 10 })).toEqual(["r1"]);
  });
});

describe("LocalStore", () => {
  it("writes a busy room once per batch, the latest log of it", async () => {
    const backend = memoryLocalBackend();
    let writes = 0;
    const update = backend.updateRooms.bind(backend);
    backend.updateRooms = (...args) => {
      writes++;
      return update(...args);
    };
    const { timers, run } = manualTimers();
    const local = new LocalStore(backend, "ada", { timers });
    for (let n = 1; n <= 200; n++) local.saveRoom("general", room, { confirmed: range(1, n), hasOlder: false, changeCursor: 0, pending: [] });
    expect(writes).toBe(0);
    run();
    await local.flush();
    expect(writes).toBe(1);
    expect((await local.loadRoom("general"))?.messages).toHaveLength(200);
  });

  it("stays within its bounds: the room count, oldest first", async () => {
    const backend = memoryLocalBackend();
    let now = 0;
    const local = new LocalStore(backend, "ada", { bounds: { maxRooms: 3 }, now: () => ++now });
    for (let i = 1; i <= 5; i++) {
      local.saveRoom(`room${i}`, { ...room, id: `id${i}`, slug: `room${i}` }, { confirmed: range(1, 3), hasOlder: false, changeCursor: 0, pending: [] });
      await local.flush();
    }
    expect((await local.listRooms()).map((r) => r.slug).sort()).toEqual(["room3", "room4", "room5"]);
  });

  it("a full device: evicts the older rooms and tries again; still full, it says so and goes on", async () => {
    const backend = memoryLocalBackend();
    let now = 0;
    const local = new LocalStore(backend, "ada", { now: () => ++now });
    for (let i = 1; i <= 4; i++) {
      local.saveRoom(`room${i}`, { ...room, id: `id${i}`, slug: `room${i}` }, { confirmed: range(1, 20), hasOlder: false, changeCursor: 0, pending: [] });
      await local.flush();
    }
    const four = JSON.stringify(await local.listRooms()).length;
    backend.quotaBytes = four; // a fifth room does not fit beside the four
    local.saveRoom("room5", { ...room, id: "id5", slug: "room5" }, { confirmed: range(1, 20), hasOlder: false, changeCursor: 0, pending: [] });
    await local.flush();
    const kept = (await local.listRooms()).map((r) => r.slug).sort();
    expect(kept).toContain("room5");
    expect(kept).not.toContain("room1");
    expect(local.problem.get()).toBeNull();

    backend.quotaBytes = 10; // nothing fits any more
    local.saveRoom("room6", { ...room, id: "id6", slug: "room6" }, { confirmed: range(1, 20), hasOlder: false, changeCursor: 0, pending: [] });
    await local.flush();
    expect(local.problem.get()).toBe("full");
  });

  it("forgets a room the user may no longer read, and every room the server no longer lists", async () => {
    const local = new LocalStore(memoryLocalBackend(), "ada");
    for (const id of ["a", "b", "c"]) local.saveRoom(id, { ...room, id, slug: id }, { confirmed: range(1, 2), hasOlder: false, changeCursor: 0, pending: [] });
    await local.flush();
    await local.forget("a");
    expect((await local.listRooms()).map((r) => r.slug).sort()).toEqual(["b", "c"]);
    await local.retain(["c"]);
    expect((await local.listRooms()).map((r) => r.slug)).toEqual(["c"]);
  });

  it("dropped (signed out): writes nothing more, not even what was waiting", async () => {
    const backend = memoryLocalBackend();
    const { timers, run } = manualTimers();
    const local = new LocalStore(backend, "ada", { timers });
    local.saveRoom("general", room, { confirmed: range(1, 2), hasOlder: false, changeCursor: 0, pending: [] });
    await local.drop();
    run();
    local.saveRoom("general", room, { confirmed: range(1, 3), hasOlder: false, changeCursor: 0, pending: [] });
    local.close();
    await local.flush();
    expect(await backend.listRooms("ada")).toEqual([]);
  });

  it("keeps each user's records apart", async () => {
    const backend = memoryLocalBackend();
    const ada = new LocalStore(backend, "ada");
    ada.saveRoom("general", room, { confirmed: range(1, 2), hasOlder: false, changeCursor: 0, pending: [] });
    await ada.flush();
    expect(await new LocalStore(backend, "cleo").listRooms()).toEqual([]);
    await backend.clearOthers("cleo");
    expect(await ada.listRooms()).toEqual([]);
  });
});

describe("drafts and blocks on the device", () => {
  const cleo = { id: "cleo", name: "Cleo" };

  it("keeps a room's draft (batched with the other writes), and deletes it once emptied or sent", async () => {
    const backend = memoryLocalBackend();
    const { timers, run } = manualTimers();
    const local = new LocalStore(backend, "ada", { timers });
    local.saveDraft("room-1", "half a thought", []);
    local.saveDraft("room-1", "half a thought for @Cleo", [cleo, { id: "dan", name: "Dan" }]);
    // Waiting in this tab: read back before it is written.
    expect((await local.loadDraft("room-1"))?.text).toBe("half a thought for @Cleo");
    expect(await backend.getDraft("ada", "room-1")).toBeUndefined();
    run();
    await local.flush();
    // The people picked and still named in the text are kept with it.
    expect(await backend.getDraft("ada", "room-1")).toMatchObject({ text: "half a thought for @Cleo", chosen: [cleo] });
    expect(await new LocalStore(backend, "ada").loadDraft("room-1")).toMatchObject({ text: "half a thought for @Cleo" });
    local.saveDraft("room-1", "   ", []);
    expect(await local.loadDraft("room-1")).toBeUndefined();
    await local.flush();
    expect(await backend.getDraft("ada", "room-1")).toBeUndefined();
  });

  it("a draft is bounded, leaves with its room, and with its user", async () => {
    const backend = memoryLocalBackend();
    const local = new LocalStore(backend, "ada");
    local.saveDraft("room-1", "x".repeat(100_000), []);
    local.saveDraft("room-2", "kept", []);
    local.saveBlocks([cleo]);
    await local.flush();
    expect((await local.loadDraft("room-1"))?.text.length).toBe(20_000);
    await local.forget("room-1");
    expect(await local.loadDraft("room-1")).toBeUndefined();
    expect(await local.loadBlocks()).toEqual([cleo]);
    await backend.clearOthers("ada");
    expect(await local.loadDraft("room-2")).toBeDefined();
    await backend.clearUser("ada");
    expect(await local.loadDraft("room-2")).toBeUndefined();
    expect(await local.loadBlocks()).toBeUndefined();
  });

  it("dropped (signed out): a waiting draft is never written", async () => {
    const backend = memoryLocalBackend();
    const local = new LocalStore(backend, "ada");
    local.saveDraft("room-1", "not for the next person", []);
    local.saveBlocks([cleo]);
    await local.drop();
    await local.flush();
    expect(await backend.getDraft("ada", "room-1")).toBeUndefined();
    expect(await backend.getBlocks("ada")).toBeUndefined();
  });
});

describe("a room opened from the device", () => {
  const read = { roomId: room.id, readSeq: 8, latestSeq: 12 };

  it("is shown at once, then joined from its stored seq and cseq; the catch-up's edits and deletions apply", async () => {
    const transport = new FakeTransport();
    const kept = stored({ messages: range(1, 10), changeCursor: 4 });
    const sync = new RoomSync(transport, "general", { retryDelayMs: 5, stored: { room, log: logFromStored(kept) } }).start();
    // Before any answer: the stored messages, as they were.
    expect(sync.get()).toMatchObject({ phase: "joined", room });
    expect(sync.get().log.confirmed.map((m) => m.seq)).toEqual(range(1, 10).map((m) => m.seq));

    const join = transport.take("room:join");
    expect(join.payload).toEqual({ slug: "general", after: 10, changesAfter: 4 });
    join.resolve({
      ok: true,
      data: {
        room,
        history: { messages: range(11, 12), hasMore: false },
        online: [],
        typing: [],
        changeCursor: 6,
        // While away: #2 was deleted and #5 edited.
        changed: { messages: [{ ...msg(2), body: "", deleted: true }, { ...msg(5), body: "fixed", editedAt: "2026-01-01T00:00:01.000Z" }], hasMore: false },
        read,
      },
    });
    await settle();
    const log = sync.get().log;
    expect(log.confirmed.map((m) => m.seq)).toEqual(range(1, 12).map((m) => m.seq));
    expect(log.confirmed.find((m) => m.seq === 2)).toMatchObject({ deleted: true, body: "" });
    expect(log.confirmed.find((m) => m.seq === 5)).toMatchObject({ body: "fixed" });
    expect(log.changeCursor).toBe(6);
    // The unread line goes where the server says reading stopped.
    expect(sync.get()).toMatchObject({ stale: false, firstUnread: 9 });
  });

  it("more than a page behind: the latest page replaces the stored copy instead of reading everything in between", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "general", { retryDelayMs: 5, stored: { room, log: logFromStored(stored({ messages: range(1, 10), changeCursor: 4 })) } }).start();
    transport.take("room:join").resolve({ ok: true, data: { room, history: { messages: range(11, 210), hasMore: true }, online: [], typing: [], changeCursor: 50, changed: { messages: [], hasMore: true }, read } });
    await settle();
    const fresh = transport.take("room:join");
    expect(fresh.payload).toEqual({ slug: "general" });
    fresh.resolve({ ok: true, data: { room, history: { messages: range(951, 1000), hasMore: true }, online: [], typing: [], changeCursor: 80, read: { ...read, latestSeq: 1000 } } });
    await settle();
    expect(sync.get().log.confirmed.map((m) => m.seq)).toEqual(range(951, 1000).map((m) => m.seq));
    expect(sync.get().log).toMatchObject({ hasOlder: true, changeCursor: 80 });
    expect(transport.pending).toEqual([]);
  });

  it("a room gone meanwhile says so", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "general", { stored: { room, log: logFromStored(stored({ messages: range(1, 3) })) } }).start();
    transport.take("room:join").resolve({ ok: false, error: { code: "not_found", message: "No such room." } });
    await settle();
    expect(sync.get()).toMatchObject({ phase: "missing" });
  });
});
