/**
 * The reports port's contract, over every store: one report per reporter and message, the
 * queue newest first (of a room or all, open or closed, paged), and closing every open report
 * of a message at once, erasing their copies of its text.
 */
import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";

const implementations = await storeImplementations();

describe.each(implementations)("reports: %s", (_name, make) => {
  let store: OpenedStore;
  const ada = { id: randomUUID(), name: "Ada", username: `ada_${randomUUID().slice(0, 6)}` };
  const bob = { id: randomUUID(), name: "Bob", guest: true };
  const cy = { id: randomUUID(), name: "Cy", username: `cy_${randomUUID().slice(0, 6)}` };

  beforeEach(async () => {
    store = await make();
    for (const u of [ada, bob, cy]) await store.addUser(u);
  });

  async function roomWithMessage(name: string, author = bob, body = "buy cheap pills") {
    const room = await store.repos.rooms.create({ id: randomUUID(), slug: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}`, name, createdById: ada.id, visibility: "public" });
    const { message } = await store.repos.messages.append({ id: randomUUID(), roomId: room.id, author, clientId: randomUUID(), body });
    return { room, message };
  }

  const report = (roomId: string, message: { id: string; seq: number }, by: { id: string }, reason = "spam", excerpt = "buy cheap pills") => ({
    id: uuidv7(),
    roomId,
    messageId: message.id,
    messageSeq: message.seq,
    authorId: bob.id,
    reporterId: by.id,
    reason,
    note: "again and again",
    excerpt,
    createdAt: new Date(),
  });

  it("one report per reporter and message: a second answers with the first", async () => {
    const r = store.repos.reports;
    const { room, message } = await roomWithMessage("Plaza");
    const first = await r.file(report(room.id, message, ada));
    expect(first).toMatchObject({ created: true, report: { status: "open", reason: "spam", note: "again and again", excerpt: "buy cheap pills", resolvedById: null, resolvedAt: null } });
    const again = await r.file(report(room.id, message, ada, "abuse"));
    expect(again).toMatchObject({ created: false, report: { id: first.report.id, reason: "spam" } });
    const other = await r.file(report(room.id, message, cy, "abuse"));
    expect(other.created).toBe(true);
    expect(await r.byId(first.report.id)).toMatchObject({ id: first.report.id, messageId: message.id, messageSeq: message.seq, authorId: bob.id, reporterId: ada.id });
    expect(await r.byId(uuidv7())).toBeNull();
  });

  it("the queue: newest first, of one room or all, with names; paged by id", async () => {
    const r = store.repos.reports;
    const plaza = await roomWithMessage("Plaza");
    const market = await roomWithMessage("Market", bob, "scam link");
    const a = await r.file(report(plaza.room.id, plaza.message, ada));
    const b = await r.file(report(market.room.id, market.message, ada, "abuse", "scam link"));
    const c = await r.file(report(plaza.room.id, plaza.message, cy, "other"));
    const inPlaza = await r.list({ roomId: plaza.room.id, open: true, limit: 10 });
    expect(inPlaza.map((x) => x.id)).toEqual([c.report.id, a.report.id]);
    expect(inPlaza[0]).toMatchObject({ roomName: "Plaza", roomSlug: plaza.room.slug, author: { id: bob.id, name: "Bob" }, reporter: { id: cy.id, name: "Cy" }, resolvedBy: null, reason: "other" });
    const all = await r.list({ roomId: null, open: true, limit: 10 });
    const mine = all.filter((x) => [a, b, c].some((y) => y.report.id === x.id));
    expect(mine.map((x) => x.id)).toEqual([c.report.id, b.report.id, a.report.id]);
    const page = await r.list({ roomId: plaza.room.id, open: true, limit: 1 });
    expect(page.map((x) => x.id)).toEqual([c.report.id]);
    expect((await r.list({ roomId: plaza.room.id, open: true, before: page[0]!.id, limit: 10 })).map((x) => x.id)).toEqual([a.report.id]);
    expect(await r.list({ roomId: plaza.room.id, open: false, limit: 10 })).toEqual([]);
  });

  it("closing: every open report of the message at once, their copy of the text erased; closed ones are listed apart", async () => {
    const r = store.repos.reports;
    const plaza = await roomWithMessage("Plaza");
    const other = await roomWithMessage("Plaza two", bob, "another");
    const a = await r.file(report(plaza.room.id, plaza.message, ada));
    const c = await r.file(report(plaza.room.id, plaza.message, cy, "abuse"));
    const kept = await r.file(report(other.room.id, other.message, ada, "spam", "another"));
    const at = new Date("2026-12-04T12:00:00Z");
    expect(await r.close(plaza.message.id, { status: "removed", byId: ada.id, at })).toBe(2);
    expect(await r.close(plaza.message.id, { status: "dismissed", byId: ada.id, at })).toBe(0);
    for (const id of [a.report.id, c.report.id]) {
      const closed = await r.byId(id);
      expect(closed).toMatchObject({ status: "removed", resolvedById: ada.id, excerpt: "" });
      expect(closed!.resolvedAt!.getTime()).toBe(at.getTime());
    }
    expect(await r.list({ roomId: plaza.room.id, open: true, limit: 10 })).toEqual([]);
    const closedList = await r.list({ roomId: plaza.room.id, open: false, limit: 10 });
    expect(closedList.map((x) => x.id)).toEqual([c.report.id, a.report.id]);
    expect(closedList[0]).toMatchObject({ status: "removed", resolvedBy: { id: ada.id, name: "Ada" } });
    expect(await r.byId(kept.report.id)).toMatchObject({ status: "open", excerpt: "another" });
  });
});
