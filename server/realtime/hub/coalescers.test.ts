import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ROOM_MENTION } from "../../contract/mentions";
import type { ChatMessage, UserSummary } from "../../contract/model";
import type { PublishedRoomEvent } from "../../contract/room-events";
import { ActivityCoalescer } from "./activity-coalescer";
import { PresenceCoalescer } from "./presence-coalescer";

const ada = { id: "u1", name: "Ada" };
const bob = { id: "u2", name: "Bob" };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("PresenceCoalescer", () => {
  const setup = () => {
    let online: UserSummary[] = [];
    const published: PublishedRoomEvent[] = [];
    const log = { warn: vi.fn() };
    const coalescer = new PresenceCoalescer({
      list: async () => online,
      publish: (e) => published.push(e),
      log,
      timing: { delayMs: 50, intervalMs: 250 },
    });
    return { coalescer, published, log, setOnline: (users: UserSummary[]) => (online = users) };
  };

  it("gathers the changes of one room within the delay into one list, read when it goes out", async () => {
    const { coalescer, published, setOnline } = setup();
    setOnline([ada]);
    coalescer.announce("r1");
    coalescer.announce("r1");
    setOnline([ada, bob]);
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(49);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toEqual([{ type: "presence.changed", roomId: "r1", online: [ada, bob] }]);
  });

  it("keeps one room's lists at least the interval apart, and rooms apart from each other", async () => {
    const { coalescer, published } = setup();
    coalescer.announce("r1");
    coalescer.announce("r2");
    await vi.advanceTimersByTimeAsync(50);
    expect(published.map((e) => e.roomId)).toEqual(["r1", "r2"]);
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(249);
    expect(published).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(published.map((e) => e.roomId)).toEqual(["r1", "r2", "r1"]);
  });

  it("waits only the delay again once a room has been quiet for the interval", async () => {
    const { coalescer, published } = setup();
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(50 + 250);
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(50);
    expect(published).toHaveLength(2);
  });

  it("spaces a larger room's lists by the size of its last list (30 ms a person, at most 5 s)", async () => {
    const { coalescer, published, setOnline } = setup();
    const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}`, name: `P${i}` }));
    setOnline(people(100));
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(50);
    expect(published).toHaveLength(1);
    // 100 people: the next list 3 s after this one, not 250 ms.
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(2999);
    expect(published).toHaveLength(1);
    setOnline(people(400));
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toHaveLength(2);
    expect((published[1] as { online: UserSummary[] }).online).toHaveLength(400);
    // 400 people: 12 s by the rule, 5 s by the cap.
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(4999);
    expect(published).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toHaveLength(3);
  });

  it("lengthens the gap for a change announced while the large list was being read", async () => {
    let online: UserSummary[] = [];
    let release: () => void = () => undefined;
    const published: PublishedRoomEvent[] = [];
    const coalescer = new PresenceCoalescer({
      // The list resolves only when released: a change is announced meanwhile.
      list: () => new Promise((resolve) => (release = () => resolve(online))),
      publish: (e) => published.push(e),
      log: { warn: vi.fn() },
      timing: { delayMs: 50, intervalMs: 250 },
    });
    online = Array.from({ length: 100 }, (_, i) => ({ id: `p${i}`, name: `P${i}` }));
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(50);
    coalescer.announce("r1");
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toHaveLength(1);
    // Scheduled 250 ms after the first list; the list said 100 people: 3 s.
    await vi.advanceTimersByTimeAsync(2900);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toHaveLength(2);
  });

  it("logs a list that failed and publishes nothing for it", async () => {
    const log = { warn: vi.fn() };
    const published: PublishedRoomEvent[] = [];
    const coalescer = new PresenceCoalescer({ list: () => Promise.reject(new Error("redis down")), publish: (e) => published.push(e), log });
    coalescer.announce("r1");
    await vi.advanceTimersByTimeAsync(1000);
    expect(published).toEqual([]);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ roomId: "r1" }), "presence list failed");
  });
});

describe("ActivityCoalescer", () => {
  let seq = 0;
  const message = (author: UserSummary, body = "hi", mentions: UserSummary[] = [], roomId = "r1"): ChatMessage =>
    ({ id: `m${++seq}`, roomId, seq, author, body, mentions, createdAt: new Date(0).toISOString() }) as ChatMessage;

  beforeEach(() => {
    seq = 0;
  });

  it("sends a quiet room's first message at once, then gathers the next ones into one event per interval", async () => {
    const published: PublishedRoomEvent[] = [];
    const coalescer = new ActivityCoalescer({ publish: (e) => published.push(e), intervalMs: 200 });
    coalescer.note(message(ada));
    expect(published).toEqual([{ type: "room.activity", roomId: "r1", seq: 1, readBy: { u1: 1 }, mentions: {}, mentionAuthors: {} }]);
    coalescer.note(message(bob, "@Ada look", [ada]));
    coalescer.note(message(ada, `${ROOM_MENTION} hello`));
    coalescer.note(message(bob));
    await vi.advanceTimersByTimeAsync(199);
    expect(published).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(published[1]).toEqual({
      type: "room.activity",
      roomId: "r1",
      seq: 4,
      readBy: { u1: 3, u2: 4 },
      mentions: { u1: [2], room: [3] },
      mentionAuthors: { 2: "u2", 3: "u1" },
    });
  });

  it("closes a window that heard nothing, so the next message goes out at once again", async () => {
    const published: PublishedRoomEvent[] = [];
    const coalescer = new ActivityCoalescer({ publish: (e) => published.push(e), intervalMs: 200 });
    coalescer.note(message(ada));
    await vi.advanceTimersByTimeAsync(200);
    expect(published).toHaveLength(1);
    coalescer.note(message(bob));
    expect(published).toHaveLength(2);
    expect(published[1]).toMatchObject({ seq: 2, readBy: { u2: 2 } });
  });

  it("keeps each room's window apart", async () => {
    const published: PublishedRoomEvent[] = [];
    const coalescer = new ActivityCoalescer({ publish: (e) => published.push(e), intervalMs: 200 });
    coalescer.note(message(ada, "a", [], "r1"));
    coalescer.note(message(ada, "b", [], "r2"));
    expect(published.map((e) => e.roomId)).toEqual(["r1", "r2"]);
  });
});
