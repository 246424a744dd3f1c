import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/server/contract/model";
import { AttentionStore, unreadLabel } from "./attention";

const message = (roomId: string, seq: number, authorId: string): ChatMessage => ({
  id: `m${seq}`,
  roomId,
  seq,
  clientId: `c${seq}`,
  body: "hi",
  createdAt: new Date().toISOString(),
  author: { id: authorId, name: authorId },
});

describe("AttentionStore", () => {
  it("counts latest minus read per followed room, and the total", () => {
    const store = new AttentionStore("me");
    store.reset([
      { roomId: "a", readSeq: 3, latestSeq: 5 },
      { roomId: "b", readSeq: 7, latestSeq: 7 },
    ]);
    expect([store.unread("a"), store.unread("b"), store.unread("unknown"), store.total()]).toEqual([2, 0, 0, 2]);
  });

  it("activity raises the latest seq, moves one's own read position, and ignores rooms not followed", () => {
    const store = new AttentionStore("me");
    store.reset([{ roomId: "a", readSeq: 2, latestSeq: 2 }]);
    store.activity({ roomId: "a", seq: 6, readBy: { bob: 6 }, mentions: {}, mentionAuthors: {} });
    expect(store.unread("a")).toBe(4);
    // Three more, the last of them mine (from another device): all read.
    store.activity({ roomId: "a", seq: 9, readBy: { bob: 8, me: 9 }, mentions: {}, mentionAuthors: {} });
    expect(store.unread("a")).toBe(0);
    store.activity({ roomId: "z", seq: 50, readBy: {}, mentions: {}, mentionAuthors: {} });
    expect(store.get().has("z")).toBe(false);
  });

  it("numbers only grow, whatever order the sources arrive in: a late sync or a stale event moves nothing back", () => {
    const store = new AttentionStore("me");
    store.reset([{ roomId: "a", readSeq: 0, latestSeq: 0 }]);
    store.activity({ roomId: "a", seq: 10, readBy: { bob: 10 }, mentions: {}, mentionAuthors: {} });
    store.read("a", 8);
    // The sync answer was computed before both: it must not undo them.
    store.reset([{ roomId: "a", readSeq: 0, latestSeq: 4 }]);
    expect(store.get().get("a")).toEqual({ roomId: "a", readSeq: 8, latestSeq: 10 });
    store.changed({ read: [{ roomId: "a", readSeq: 5, latestSeq: 9 }], unfollowed: [] });
    expect(store.unread("a")).toBe(2);
  });

  it("one's own message is read; someone else's in an open room is counted until it is seen", () => {
    const store = new AttentionStore("me");
    store.reset([{ roomId: "a", readSeq: 1, latestSeq: 1 }]);
    store.message(message("a", 2, "bob"));
    expect(store.unread("a")).toBe(1);
    store.message(message("a", 3, "me"));
    expect(store.unread("a")).toBe(0);
  });

  it("a sync drops rooms no longer followed; unfollowing and removal forget a room", () => {
    const store = new AttentionStore("me");
    store.reset([
      { roomId: "a", readSeq: 0, latestSeq: 3 },
      { roomId: "b", readSeq: 0, latestSeq: 4 },
    ]);
    store.changed({ read: [], unfollowed: ["a"] });
    expect(store.total()).toBe(4);
    store.reset([]);
    expect(store.total()).toBe(0);
    store.merge([{ roomId: "c", readSeq: 2, latestSeq: 2 }]);
    store.forget(["c"]);
    expect([...store.get().keys()]).toEqual([]);
  });

  it("labels counts up to 99, then 99+", () => {
    expect([unreadLabel(1), unreadLabel(99), unreadLabel(100), unreadLabel(5000)]).toEqual(["1", "99", "99+", "99+"]);
  });

  it("counts unread mentions from the sync, activity and open rooms, and forgets those read", () => {
    const store = new AttentionStore("me");
    store.reset([{ roomId: "a", readSeq: 2, latestSeq: 5, mentionSeqs: [4] }]);
    expect(store.mentions("a")).toBe(1);
    store.activity({ roomId: "a", seq: 8, readBy: { bob: 8 }, mentions: { me: [6, 8], cat: [7] }, mentionAuthors: { 6: "bob", 7: "bob", 8: "bob" } });
    expect([store.unread("a"), store.mentions("a")]).toEqual([6, 3]);
    store.message({ ...message("a", 9, "bob"), mentions: [{ id: "me", name: "Me" }] });
    expect(store.mentions("a")).toBe(4);
    // The same mention heard twice (activity and the open room) counts once.
    store.activity({ roomId: "a", seq: 9, readBy: { bob: 9 }, mentions: { me: [9] }, mentionAuthors: { 9: "bob" } });
    expect(store.mentions("a")).toBe(4);
    store.read("a", 6);
    expect([store.unread("a"), store.mentions("a")]).toEqual([3, 2]);
    store.read("a", 9);
    expect(store.get().get("a")?.mentionSeqs).toBeUndefined();
  });

  it("leaves out mentions by someone the user blocks, heard live or in an open room", () => {
    const blocked = new Set(["mallory"]);
    const store = new AttentionStore("me", (id) => blocked.has(id));
    store.reset([{ roomId: "a", readSeq: 0, latestSeq: 0 }]);
    store.activity({ roomId: "a", seq: 3, readBy: { mallory: 2, bob: 3 }, mentions: { me: [1, 3], room: [2] }, mentionAuthors: { 1: "mallory", 2: "mallory", 3: "bob" } });
    expect([store.unread("a"), store.mentions("a")]).toEqual([3, 1]);
    store.message({ ...message("a", 4, "mallory"), mentions: [{ id: "me", name: "Me" }] });
    store.message({ ...message("a", 5, "mallory"), body: "<@room> hello" });
    expect([store.unread("a"), store.mentions("a")]).toEqual([5, 1]);
    blocked.clear();
    store.message({ ...message("a", 6, "mallory"), mentions: [{ id: "me", name: "Me" }] });
    expect(store.mentions("a")).toBe(2);
  });
});
