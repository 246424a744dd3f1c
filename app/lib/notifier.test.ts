import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/server/contract/model";
import { AttentionStore } from "./attention";
import { Notifier, type NotifiedStore, type NotifyLevel, type ShownNotification } from "./notifier";

const msg = (seq: number, author = "bob", body = `message ${seq}`): ChatMessage => ({
  id: `m${seq}`,
  roomId: "r",
  seq,
  clientId: `c${seq}`,
  body,
  createdAt: new Date().toISOString(),
  author: { id: author, name: author === "bob" ? "Bob" : author },
});

function setup(options: { level?: NotifyLevel; leader?: boolean; log?: ChatMessage[]; muted?: string[]; roomName?: string } = {}) {
  const attention = new AttentionStore("me");
  const log = options.log ?? [];
  const shown: ShownNotification[] = [];
  const store = new Map<string, number>();
  const notified: NotifiedStore = { get: (r) => store.get(r), set: (r, s) => void store.set(r, Math.max(store.get(r) ?? 0, s)) };
  const timers: Array<() => void> = [];
  let leader = options.leader ?? true;
  const notifier = new Notifier({
    selfId: "me",
    attention,
    transport: {
      request: (async (_event: string, payload: { after: number; limit: number }) => {
        const page = log.filter((m) => m.seq > payload.after);
        return { ok: true, data: { messages: page.slice(0, payload.limit), hasMore: page.length > payload.limit } };
      }) as never,
    },
    isLeader: () => leader,
    enabled: () => true,
    show: (n) => shown.push(n),
    roomName: () => options.roomName ?? "general",
    muted: (authorId) => options.muted?.includes(authorId) ?? false,
    level: () => options.level ?? "all",
    notified,
    timers: { setTimeout: (fn: () => void) => timers.push(fn), clearTimeout: () => undefined },
  });
  const fire = async () => {
    for (const t of timers.splice(0)) t();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { attention, log, shown, store, notifier, fire, setLeader: (v: boolean) => (leader = v) };
}

describe("Notifier", () => {
  it("notifies each new message from others once, in the leader tab only, never one's own", async () => {
    const t = setup({ leader: false });
    t.attention.reset([{ roomId: "r", readSeq: 2, latestSeq: 2 }]);
    t.notifier.synced();
    t.log.push(msg(3), msg(4, "me"));
    t.attention.activity({ roomId: "r", seq: 4, readBy: { bob: 3, me: 4 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard("r");
    await t.fire();
    expect(t.shown).toEqual([]); // not the leader
    t.setLeader(true);
    t.log.push(msg(5));
    t.attention.activity({ roomId: "r", seq: 5, readBy: { bob: 5 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard("r");
    t.notifier.heard("r"); // heard twice (activity and the open room): one check
    await t.fire();
    expect(t.shown.map((n) => [n.tag, n.title, n.body])).toEqual([["m5", "Bob in #general", "message 5"]]);
    // The same message heard again (a catch-up) does not notify again.
    t.notifier.heard("r");
    await t.fire();
    expect(t.shown).toHaveLength(1);
  });

  it("a message's notification shows its author's profile picture when they have one", async () => {
    const t = setup();
    t.attention.reset([{ roomId: "r", readSeq: 0, latestSeq: 0 }]);
    t.notifier.synced();
    const avatar = "11111111-1111-4111-8111-111111111111";
    t.log.push({ ...msg(1), author: { id: "bob", name: "Bob", avatar } });
    t.attention.activity({ roomId: "r", seq: 1, readBy: { bob: 1 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard("r");
    await t.fire();
    expect(t.shown.map((n) => n.icon)).toEqual([`/api/files/${avatar}/thumbnail`]);
    t.log.push(msg(2));
    t.attention.activity({ roomId: "r", seq: 2, readBy: { bob: 2 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard("r");
    await t.fire();
    expect(t.shown.at(-1)?.icon).toBeUndefined();
  });

  it("what a tab read during the grace period is not notified", async () => {
    const t = setup();
    t.attention.reset([{ roomId: "r", readSeq: 0, latestSeq: 0 }]);
    t.notifier.synced();
    t.log.push(msg(1));
    t.attention.activity({ roomId: "r", seq: 1, readBy: { bob: 1 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard("r");
    t.attention.changed({ read: [{ roomId: "r", readSeq: 1, latestSeq: 1 }], unfollowed: [] });
    await t.fire();
    expect(t.shown).toEqual([]);
  });

  it("mentions-only rooms notify mentions of the user; off rooms nothing", async () => {
    const t = setup({ level: "mentions" });
    t.attention.reset([{ roomId: "r", readSeq: 0, latestSeq: 0 }]);
    t.notifier.synced();
    t.log.push(msg(1), msg(2, "bob", "hey <@me> look"), msg(3, "bob", "<@cat> only"));
    t.attention.activity({ roomId: "r", seq: 3, readBy: { bob: 3 }, mentions: { me: [2] }, mentionAuthors: { 2: "bob" } });
    t.notifier.heard("r");
    await t.fire();
    expect(t.shown.map((n) => [n.tag, n.body])).toEqual([["m2", "hey @someone look"]]);

    const off = setup({ level: "off" });
    off.attention.reset([{ roomId: "r", readSeq: 0, latestSeq: 0 }]);
    off.notifier.synced();
    off.log.push(msg(1, "bob", "<@me>"));
    off.attention.activity({ roomId: "r", seq: 1, readBy: { bob: 1 }, mentions: { me: [1] }, mentionAuthors: { 1: "bob" } });
    off.notifier.heard("r");
    await off.fire();
    expect(off.shown).toEqual([]);
  });

  it("after an absence, one summary per room; a burst is a summary too; a room new to this browser notifies nothing old", async () => {
    const t = setup();
    t.attention.reset([{ roomId: "r", readSeq: 10, latestSeq: 10 }]);
    t.notifier.synced(); // first sight: starts from 10
    await t.fire();
    expect(t.shown).toEqual([]);
    for (let s = 11; s <= 16; s++) t.log.push(msg(s));
    t.attention.reset([{ roomId: "r", readSeq: 10, latestSeq: 16 }]);
    t.notifier.synced();
    await t.fire();
    expect(t.shown.map((n) => [n.tag, n.body, n.seq])).toEqual([["room:r", "6 new messages while you were away", 11]]);
    for (let s = 17; s <= 21; s++) t.log.push(msg(s));
    t.attention.activity({ roomId: "r", seq: 21, readBy: { bob: 21 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard("r");
    await t.fire();
    expect(t.shown.at(-1)?.body).toBe("5 new messages");
    expect(t.store.get("r")).toBe(21);
  });

  it("a direct conversation's message is titled with its author alone; a blocked person's messages are never notified", async () => {
    const t = setup({ muted: ["mal"], roomName: "Bob" });
    const dm = "dm.bob.me";
    t.attention.reset([{ roomId: dm, readSeq: 0, latestSeq: 0 }]);
    t.notifier.synced();
    t.log.push({ ...msg(1), roomId: dm }, { ...msg(2, "mal"), roomId: dm });
    t.attention.activity({ roomId: dm, seq: 2, readBy: { bob: 1, mal: 2 }, mentions: {}, mentionAuthors: {} });
    t.notifier.heard(dm);
    await t.fire();
    expect(t.shown.map((n) => [n.tag, n.title, n.body])).toEqual([["m1", "Bob", "message 1"]]);
  });
});
