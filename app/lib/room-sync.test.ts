import { describe, expect, it } from "vitest";
import type { ChatMessage, MessageChange, RoomSummary } from "@/server/contract/model";
import { JOIN_ANSWER_TIMEOUT_MS } from "@/server/contract/limits";
import { RoomSync, STALE_MESSAGE } from "./room-sync";
import { FakeTransport, settle } from "./testing/fake-transport";

const room: RoomSummary = {
  id: "r1",
  slug: "general",
  name: "General",
  visibility: "public",
  ownerId: "ada",
  createdAt: "2026-01-01T00:00:00.000Z",
};
const bob = { id: "bob", name: "Bob" };
/** The joiner's read position: nothing unread (the first-unread cases set their own). */
const allRead = { roomId: room.id, readSeq: 0, latestSeq: 0 };
const msg = (seq: number): ChatMessage => ({
  id: `m${seq}`,
  roomId: room.id,
  seq,
  clientId: `c${seq}`,
  author: bob,
  body: `#${seq}`,
  createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const seqs = (sync: RoomSync) => sync.get().log.confirmed.map((m) => m.seq);

async function joined(messages: ChatMessage[], hasMore = false) {
  const transport = new FakeTransport();
  const sync = new RoomSync(transport, "general", { retryDelayMs: 5 }).start();
  transport.take("room:join").resolve({ ok: true, data: { room, history: { messages, hasMore }, online: [], typing: [], changeCursor: 0, read: allRead } });
  await settle();
  return { transport, sync };
}

describe("RoomSync", () => {
  it("joins with the latest page and says whether older history exists", async () => {
    const { sync } = await joined(range(51, 100), true);
    expect(sync.get()).toMatchObject({ phase: "joined", room, stale: false });
    expect(seqs(sync)).toEqual(range(51, 100).map((m) => m.seq));
    expect(sync.get().log.hasOlder).toBe(true);
  });

  it("says a room is missing", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "nope").start();
    transport.take("room:join").resolve({ ok: false, error: { code: "not_found", message: "No such room." } });
    await settle();
    expect(sync.get()).toMatchObject({ phase: "missing", error: "No such room." });
  });

  it("waits for a join's answer longer than a node holds a join in its queue, and asks again when the node says it is busy", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "general", { retryDelayMs: 5 }).start();
    const first = transport.take("room:join");
    // Not the 10 s of other requests: a join behind a restart's crowd is answered, not abandoned.
    expect(first.timeoutMs).toBe(JOIN_ANSWER_TIMEOUT_MS);
    first.resolve({ ok: false, error: { code: "unavailable", message: "The server is busy; the room is joined again in a moment." } });
    await settle();
    expect(sync.get()).toMatchObject({ phase: "error", stale: true });
    await new Promise((r) => setTimeout(r, 20));
    const again = transport.take("room:join");
    expect(again.timeoutMs).toBe(JOIN_ANSWER_TIMEOUT_MS);
    again.resolve({ ok: true, data: { room, history: { messages: range(1, 3), hasMore: false }, online: [], typing: [], changeCursor: 0, read: allRead } });
    await settle();
    expect(sync.get()).toMatchObject({ phase: "joined", error: null });
    expect(seqs(sync)).toEqual([1, 2, 3]);
  });

  it("says a conversation it may not open is refused, and does not ask again", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "dm.ada.mal", { retryDelayMs: 5 }).start();
    transport.take("room:join").resolve({ ok: false, error: { code: "forbidden", message: "You cannot send direct messages to Ada." } });
    await settle();
    expect(sync.get()).toMatchObject({ phase: "refused", error: "You cannot send direct messages to Ada." });
    await new Promise((r) => setTimeout(r, 30));
    expect(transport.pending).toEqual([]);
  });

  it("after a reconnect rejoins asking for what it missed, then catches up page by page, with no holes and no duplicates", async () => {
    const { transport, sync } = await joined(range(1, 10));
    transport.disconnect();
    transport.connect();
    // 500 messages were said meanwhile: the join answers with the first 200 after seq 10.
    const join = transport.take("room:join");
    expect(join.payload).toEqual({ slug: "general", after: 10, changesAfter: 0 });
    join.resolve({ ok: true, data: { room, history: { messages: range(11, 210), hasMore: true }, online: [], typing: [], changeCursor: 0, read: allRead } });
    await settle();
    expect(sync.get().stale).toBe(true);
    let after = 210;
    for (;;) {
      const req = transport.take("message:history");
      expect(req.payload).toMatchObject({ roomId: room.id, after });
      const to = Math.min(after + 200, 510);
      req.resolve({ ok: true, data: { messages: range(after + 1, to), hasMore: to < 510 } });
      await settle();
      if (to === 510) break;
      after = to;
    }
    expect(seqs(sync)).toEqual(range(1, 510).map((m) => m.seq));
    expect(sync.get()).toMatchObject({ stale: false, error: null });
  });

  it("a rejoin that missed less than a page is done with the join's answer alone", async () => {
    const { transport, sync } = await joined(range(1, 10));
    transport.disconnect();
    transport.connect();
    const join = transport.take("room:join");
    expect(join.payload).toEqual({ slug: "general", after: 10, changesAfter: 0 });
    join.resolve({ ok: true, data: { room, history: { messages: range(11, 14), hasMore: false }, online: [], typing: [], changeCursor: 0, read: allRead } });
    await settle();
    expect(seqs(sync)).toEqual(range(1, 14).map((m) => m.seq));
    expect(sync.get()).toMatchObject({ phase: "joined", stale: false, error: null });
    expect(transport.pending).toHaveLength(0);
  });

  it("fills a hole seen in live messages", async () => {
    const { transport, sync } = await joined(range(1, 3));
    transport.emit("message:created", msg(4));
    transport.emit("message:created", msg(7));
    await settle();
    const req = transport.take("message:history");
    expect(req.payload).toMatchObject({ after: 4 });
    req.resolve({ ok: true, data: { messages: range(5, 7), hasMore: false } });
    await settle();
    expect(seqs(sync)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("in a room joined empty, a first message that never arrived is fetched: the log holds the room from its start", async () => {
    const { transport, sync } = await joined([]);
    // Seq 1 was lost on the way; seq 2 is the first to arrive.
    transport.emit("message:created", msg(2));
    await settle();
    const req = transport.take("message:history");
    expect(req.payload).toMatchObject({ after: 0 });
    req.resolve({ ok: true, data: { messages: range(1, 2), hasMore: false } });
    await settle();
    expect(seqs(sync)).toEqual([1, 2]);
    expect(sync.get().stale).toBe(false);
  });

  it("says so when catch-up fails, and retries until it completes", async () => {
    const { transport, sync } = await joined(range(1, 3));
    transport.emit("message:created", msg(6));
    await settle();
    transport.take("message:history").resolve({ ok: false, error: { code: "timeout", message: "slow" } });
    await settle();
    expect(sync.get()).toMatchObject({ stale: true, error: STALE_MESSAGE });
    await new Promise((r) => setTimeout(r, 20));
    transport.take("message:history").resolve({ ok: true, data: { messages: range(4, 6), hasMore: false } });
    await settle();
    expect(sync.get()).toMatchObject({ stale: false, error: null });
    expect(seqs(sync)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("loads older pages by keyset and merges acknowledged messages from the outbox", async () => {
    const { transport, sync } = await joined(range(51, 100), true);
    void sync.loadOlder();
    const req = transport.take("message:history");
    expect(req.payload).toEqual({ roomId: room.id, before: 51 });
    req.resolve({ ok: true, data: { messages: range(1, 50), hasMore: false } });
    await settle();
    expect(seqs(sync)).toHaveLength(100);
    expect(sync.get().log.hasOlder).toBe(false);
    sync.merge([msg(101), { ...msg(1), roomId: "elsewhere", seq: 999 }]);
    expect(seqs(sync).at(-1)).toBe(101);
  });

  it("two loads back to a message at once (the unread line and a reply's original) share the pages and both find it", async () => {
    const { transport, sync } = await joined(range(351, 400), true);
    const first = sync.loadUntil(5);
    const second = sync.loadUntil(200);
    const older = transport.take("message:history");
    expect(older.payload).toEqual({ roomId: room.id, before: 351, limit: 200 });
    older.resolve({ ok: true, data: { messages: range(151, 350), hasMore: true } });
    await settle();
    const next = transport.take("message:history");
    expect(next.payload).toEqual({ roomId: room.id, before: 151, limit: 200 });
    next.resolve({ ok: true, data: { messages: range(1, 150), hasMore: false } });
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(seqs(sync)).toEqual(range(1, 400).map((m) => m.seq));
    expect(sync.get().window).toBeNull();
  });

  describe("a jump far back", () => {
    const windowSeqs = (sync: RoomSync) => sync.get().window?.log.confirmed.map((m) => m.seq);

    it("shows a window around the message, loading nothing in between; the live log keeps catching up beside it", async () => {
      const { transport, sync } = await joined(range(9951, 10000), true);
      const jump = sync.loadUntil(500);
      const around = transport.take("message:history");
      expect(around.payload).toEqual({ roomId: room.id, around: 500, limit: 200 });
      around.resolve({ ok: true, data: { messages: range(401, 600), hasMore: true } });
      expect(await jump).toBe(true);
      expect(windowSeqs(sync)).toEqual(range(401, 600).map((m) => m.seq));
      expect(sync.get().window).toMatchObject({ hasNewer: true, log: { hasOlder: true } });
      // Live messages go to the live log; the window stays as it is.
      transport.emit("message:created", msg(10001));
      expect(seqs(sync).at(-1)).toBe(10001);
      expect(windowSeqs(sync)).toHaveLength(200);
      // A change to a message in the window is shown there at once.
      transport.emit("message:changed", { roomId: room.id, cseq: 1, messageId: "m500", messageSeq: 500, actor: bob, clientChangeId: "x", kind: "edit", body: "fixed", createdAt: new Date().toISOString() });
      expect(sync.get().window?.log.confirmed.find((m) => m.seq === 500)?.body).toBe("fixed");
      // Older pages load into the window.
      const older = sync.loadOlder();
      const page = transport.take("message:history");
      expect(page.payload).toMatchObject({ roomId: room.id, before: 401 });
      page.resolve({ ok: true, data: { messages: range(351, 400), hasMore: true } });
      await older;
      expect(windowSeqs(sync)?.[0]).toBe(351);
      expect(seqs(sync)[0]).toBe(9951);
      // The latest messages again: the window goes.
      sync.leaveWindow();
      expect(sync.get().window).toBeNull();
      expect(seqs(sync).at(-1)).toBe(10001);
    });

    it("grows towards the present a page at a time and becomes one with the live log when it reaches it", async () => {
      const { transport, sync } = await joined(range(951, 1000), true);
      const jump = sync.loadUntil(300);
      transport.take("message:history").resolve({ ok: true, data: { messages: range(201, 400), hasMore: true } });
      expect(await jump).toBe(true);
      for (const [after, page] of [[400, range(401, 600)], [600, range(601, 800)]] as const) {
        const newer = sync.loadNewer();
        const asked = transport.take("message:history");
        expect(asked.payload).toEqual({ roomId: room.id, after, limit: 200 });
        asked.resolve({ ok: true, data: { messages: page, hasMore: true } });
        await newer;
        expect(sync.get().window?.log.confirmed.at(-1)?.seq).toBe(page.at(-1)!.seq);
      }
      const last = sync.loadNewer();
      transport.take("message:history").resolve({ ok: true, data: { messages: range(801, 1000), hasMore: false } });
      await last;
      expect(sync.get().window).toBeNull();
      expect(seqs(sync)).toEqual(range(201, 1000).map((m) => m.seq));
      expect(sync.get().log.hasOlder).toBe(true);
    });

    it("a jump to a message the live log holds, or near it, leaves the window; a failed one says why", async () => {
      const { transport, sync } = await joined(range(951, 1000), true);
      const jump = sync.loadUntil(100);
      transport.take("message:history").resolve({ ok: true, data: { messages: range(1, 200), hasMore: false } });
      await jump;
      expect(sync.get().window).not.toBeNull();
      expect(await sync.loadUntil(990)).toBe(true);
      expect(sync.get().window).toBeNull();
      const failed = sync.loadUntil(10);
      transport.take("message:history").resolve({ ok: false, error: { code: "internal", message: "The database is not answering." } });
      expect(await failed).toBe(false);
      expect(sync.get()).toMatchObject({ window: null, error: "The database is not answering." });
    });
  });

  it("leaves the room when closed", async () => {
    const { transport, sync } = await joined([]);
    sync.close();
    expect(transport.take("room:leave").payload).toEqual({ roomId: room.id });
  });

  describe("changes", () => {
    const ada = { id: "ada", name: "Ada" };
    const change = (cseq: number, seq: number, kind: MessageChange["kind"], extra: Partial<MessageChange> = {}): MessageChange => ({
      roomId: room.id,
      cseq,
      messageId: `m${seq}`,
      messageSeq: seq,
      actor: ada,
      clientChangeId: `k${cseq}`,
      kind,
      createdAt: new Date(1_700_000_100_000 + cseq).toISOString(),
      ...extra,
    });
    const bodyOf = (sync: RoomSync, seq: number) => sync.get().log.confirmed.find((m) => m.seq === seq);

    it("applies broadcast changes in order, once each, whatever order they come in", async () => {
      const { transport, sync } = await joined(range(1, 3));
      transport.emit("message:changed", change(1, 2, "edit", { body: "edited" }));
      transport.emit("message:changed", change(1, 2, "edit", { body: "edited" })); // again: ignored
      transport.emit("message:changed", change(2, 3, "react", { emoji: "👍" }));
      transport.emit("message:changed", change(3, 3, "react", { emoji: "👍", actor: bob }));
      transport.emit("message:changed", change(4, 3, "unreact", { emoji: "👍" }));
      transport.emit("message:changed", change(5, 1, "delete"));
      expect(bodyOf(sync, 2)).toMatchObject({ body: "edited", editedAt: expect.any(String) });
      expect(bodyOf(sync, 3)?.reactions).toEqual([{ emoji: "👍", users: [bob] }]);
      expect(bodyOf(sync, 1)).toMatchObject({ body: "", deleted: true });
      expect(sync.get().log.changeCursor).toBe(5);
      expect(transport.pending).toEqual([]);
    });

    it("a change beyond the next one makes it read every change after its cursor, and apply them in order", async () => {
      const { transport, sync } = await joined(range(1, 3));
      transport.emit("message:changed", change(3, 1, "edit", { body: "third" }));
      expect(bodyOf(sync, 1)?.body).toBe("#1"); // not applied out of order
      const req = transport.take("message:changes");
      expect(req.payload).toEqual({ roomId: room.id, after: 0 });
      req.resolve({ ok: true, data: { changes: [change(1, 1, "edit", { body: "first" }), change(2, 1, "edit", { body: "second" }), change(3, 1, "edit", { body: "third" })], hasMore: false } });
      await settle();
      expect(bodyOf(sync, 1)?.body).toBe("third");
      expect(sync.get().log.changeCursor).toBe(3);
      expect(sync.get().stale).toBe(false);
    });

    it("a rejoin names its change cursor and takes the current copies of what changed meanwhile, after the messages it missed", async () => {
      const transport = new FakeTransport();
      const sync = new RoomSync(transport, "general", { retryDelayMs: 5 }).start();
      transport.take("room:join").resolve({ ok: true, data: { room, history: { messages: range(1, 2), hasMore: false }, online: [], typing: [], changeCursor: 7, read: allRead } });
      await settle();
      expect(sync.get().log.changeCursor).toBe(7);
      transport.disconnect();
      transport.connect();
      const join = transport.take("room:join");
      expect(join.payload).toEqual({ slug: "general", after: 2, changesAfter: 7 });
      // Meanwhile message 3 was sent and edited, and message 1 deleted (changes 8 and 9).
      join.resolve({
        ok: true,
        data: {
          room,
          history: { messages: [{ ...msg(3), body: "fixed", editedAt: "2026-01-01T00:00:01.000Z" }], hasMore: false },
          online: [],
          typing: [],
          changeCursor: 9,
          read: allRead,
          changed: { messages: [{ ...msg(1), body: "", deleted: true }, { ...msg(3), body: "fixed", editedAt: "2026-01-01T00:00:01.000Z" }], hasMore: false },
        },
      });
      await settle();
      expect(sync.get().log.confirmed.map((m) => [m.seq, m.body, m.deleted ?? false])).toEqual([
        [1, "", true],
        [2, "#2", false],
        [3, "fixed", false],
      ]);
      expect(sync.get().log.changeCursor).toBe(9);
      expect(sync.get().stale).toBe(false);
      // The next live change follows on from there.
      transport.emit("message:changed", change(10, 2, "edit", { body: "two" }));
      expect(sync.get().log.confirmed[1]?.body).toBe("two");
      expect(transport.pending).toEqual([]);
    });

    it("when more changed than one answer holds, it pages through every change after its cursor", async () => {
      const transport = new FakeTransport();
      const sync = new RoomSync(transport, "general", { retryDelayMs: 5 }).start();
      transport.take("room:join").resolve({ ok: true, data: { room, history: { messages: range(1, 2), hasMore: false }, online: [], typing: [], changeCursor: 0, read: allRead } });
      await settle();
      transport.disconnect();
      transport.connect();
      transport.take("room:join").resolve({
        ok: true,
        data: { room, history: { messages: [], hasMore: false }, online: [], typing: [], changeCursor: 2, changed: { messages: [], hasMore: true } },
      });
      await settle();
      const req = transport.take("message:changes");
      expect(req.payload).toEqual({ roomId: room.id, after: 0 });
      req.resolve({ ok: true, data: { changes: [change(1, 1, "edit", { body: "a" }), change(2, 2, "delete")], hasMore: false } });
      await settle();
      expect(sync.get().log.confirmed.map((m) => m.body)).toEqual(["a", ""]);
      expect(sync.get().log.changeCursor).toBe(2);
    });

    it("a reply's quote follows its original's edit and deletion", async () => {
      const reply: ChatMessage = { ...msg(3), replyTo: { id: "m1", seq: 1, author: bob, excerpt: "#1" } };
      const { transport, sync } = await joined([...range(1, 2), reply]);
      transport.emit("message:changed", change(1, 1, "edit", { body: "first, fixed" }));
      expect(bodyOf(sync, 3)?.replyTo).toMatchObject({ excerpt: "first, fixed" });
      transport.emit("message:changed", change(2, 1, "delete"));
      expect(bodyOf(sync, 3)?.replyTo).toMatchObject({ excerpt: "", deleted: true });
    });

    it("a change to a message that has not arrived yet waits for it", async () => {
      const { transport, sync } = await joined(range(1, 2));
      transport.emit("message:changed", change(1, 3, "edit", { body: "early edit" }));
      expect(sync.get().log.pending).toHaveLength(1);
      transport.emit("message:created", msg(3));
      expect(bodyOf(sync, 3)?.body).toBe("early edit");
      expect(sync.get().log.pending).toEqual([]);
    });
  });
});

describe("RoomSync: the first unread message", () => {
  it("is where the first join found the read position, and stays there until the room is left", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "general", { retryDelayMs: 5 }).start();
    transport.take("room:join").resolve({ ok: true, data: { room, history: { messages: range(1, 10), hasMore: false }, online: [], typing: [], changeCursor: 0, read: { roomId: room.id, readSeq: 6, latestSeq: 10 } } });
    await settle();
    expect(sync.get().firstUnread).toBe(7);
    expect(sync.get().read).toEqual({ roomId: room.id, readSeq: 6, latestSeq: 10 });
    // A rejoin after reading everything elsewhere keeps the line where it was.
    transport.disconnect();
    transport.connect();
    transport.take("room:join").resolve({ ok: true, data: { room, history: { messages: [], hasMore: false }, online: [], typing: [], changeCursor: 0, read: { roomId: room.id, readSeq: 10, latestSeq: 10 } } });
    await settle();
    expect(sync.get().firstUnread).toBe(7);
    expect(sync.get().read?.readSeq).toBe(10);
  });

  it("is null when nothing was unread", async () => {
    const transport = new FakeTransport();
    const sync = new RoomSync(transport, "general", { retryDelayMs: 5 }).start();
    transport.take("room:join").resolve({ ok: true, data: { room, history: { messages: range(1, 3), hasMore: false }, online: [], typing: [], changeCursor: 0, read: { roomId: room.id, readSeq: 3, latestSeq: 3 } } });
    await settle();
    expect(sync.get().firstUnread).toBeNull();
  });
});
