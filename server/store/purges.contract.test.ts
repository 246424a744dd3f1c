/**
 * The removal tasks' contract, over every store: one unfinished task per person, a lease
 * that one owner holds at a time (taken again once it runs out), progress and the end only
 * under the lease, and the person's remaining messages walked in clientId order, deleted ones
 * left out, across rooms.
 */
import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";

const implementations = await storeImplementations();

describe.each(implementations)("message purges: %s", (_name, make) => {
  let store: OpenedStore;
  const ada = { id: randomUUID(), name: "Ada", username: `ada_${randomUUID().slice(0, 6)}` };
  const spam = { id: randomUUID(), name: "Spammer", guest: true };
  const cy = { id: randomUUID(), name: "Cy", guest: true };

  beforeEach(async () => {
    store = await make();
    for (const u of [ada, spam, cy]) await store.addUser(u);
  });

  const task = (userId = spam.id, at = new Date()) => ({ id: uuidv7(), userId, userName: "Spammer", actorId: ada.id, actorName: "Ada", removerId: ada.id, reason: "spam", createdAt: at });
  const later = (d: Date, ms: number) => new Date(d.getTime() + ms);

  it("one unfinished task per person; a finished one lets a new one be filed", async () => {
    const p = store.repos.purges;
    const first = await p.file(task());
    expect(first).toMatchObject({ created: true, purge: { state: "pending", cursor: "", removed: 0, finishedAt: null, userName: "Spammer", actorId: ada.id, removerId: ada.id, reason: "spam" } });
    const again = await p.file(task());
    expect(again).toMatchObject({ created: false, purge: { id: first.purge.id } });
    expect((await p.file(task(cy.id))).created).toBe(true);
    const now = new Date();
    const held = await p.claim("node-a", now, later(now, 60_000));
    expect(held?.id).toBe(first.purge.id);
    expect(await p.finish(first.purge.id, "node-a", "done", now)).toBe(true);
    expect((await p.file(task())).created).toBe(true);
  });

  it("a lease: one owner at a time, the oldest first; taken again once it ran out; progress and the end only under it", async () => {
    const p = store.repos.purges;
    const t0 = new Date(Date.now() - 10_000);
    const older = (await p.file(task(spam.id, t0))).purge;
    const newer = (await p.file(task(cy.id, later(t0, 1000)))).purge;
    const now = new Date();
    expect((await p.claim("node-a", now, later(now, 60_000)))?.id).toBe(older.id);
    expect((await p.claim("node-b", now, later(now, 60_000)))?.id).toBe(newer.id);
    expect(await p.claim("node-c", now, later(now, 60_000))).toBeNull();
    // Someone else's lease: no progress, no end.
    expect(await p.progress(older.id, "node-b", { cursor: "x", removed: 5, until: later(now, 60_000) })).toBe(false);
    expect(await p.finish(older.id, "node-b", "done", now)).toBe(false);
    expect(await p.progress(older.id, "node-a", { cursor: "m-1", removed: 3, until: later(now, 60_000) })).toBe(true);
    expect(await p.progress(older.id, "node-a", { cursor: "m-2", removed: 2, until: later(now, 60_000) })).toBe(true);
    // node-a dies: once its lease runs out node-c takes the task where it was.
    const resumed = await p.claim("node-c", later(now, 61_000), later(now, 121_000));
    expect(resumed).toMatchObject({ id: older.id, state: "running", cursor: "m-2", removed: 5 });
    expect(await p.progress(older.id, "node-a", { cursor: "m-3", removed: 1, until: later(now, 200_000) })).toBe(false);
    expect(await p.finish(older.id, "node-c", "stopped", later(now, 62_000))).toBe(true);
    const listed = await p.list(10);
    expect(listed.map((t) => t.id)).toEqual([newer.id, older.id]);
    expect(listed[1]).toMatchObject({ state: "stopped", removed: 5, cursor: "m-2" });
    expect(listed[1]!.finishedAt).toBeInstanceOf(Date);
    // A finished task is never taken again.
    expect(await p.claim("node-d", later(now, 500_000), later(now, 600_000))).toMatchObject({ id: newer.id });
    expect(await p.claim("node-e", later(now, 900_000), later(now, 960_000))).toMatchObject({ id: newer.id });
  });

  it("the person's remaining messages: every room, clientId order, after the cursor, deleted ones left out", async () => {
    const rooms = await Promise.all(
      ["Plaza", "Market"].map((name) => store.repos.rooms.create({ id: randomUUID(), slug: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}`, name, createdById: ada.id, visibility: "public" })),
    );
    const clientIds = Array.from({ length: 6 }, () => randomUUID()).sort();
    const ids: string[] = [];
    for (const [i, clientId] of clientIds.entries()) {
      const { message } = await store.repos.messages.append({ id: uuidv7(), roomId: rooms[i % 2]!.id, author: spam, clientId, body: `buy ${i}` });
      ids.push(message.id);
    }
    await store.repos.messages.append({ id: uuidv7(), roomId: rooms[0]!.id, author: cy, clientId: randomUUID(), body: "hello" });
    // One the author deleted already.
    const deleted = await store.repos.messages.applyChange({ id: uuidv7(), roomId: rooms[0]!.id, messageId: ids[2]!, actor: spam, clientChangeId: randomUUID(), kind: "delete" });
    expect(deleted).not.toBeNull();
    const p = store.repos.purges;
    const first = await p.remaining(spam.id, "", 3);
    expect(first).toEqual([
      { id: ids[0], roomId: rooms[0]!.id, clientId: clientIds[0] },
      { id: ids[1], roomId: rooms[1]!.id, clientId: clientIds[1] },
      { id: ids[3], roomId: rooms[1]!.id, clientId: clientIds[3] },
    ]);
    expect((await p.remaining(spam.id, clientIds[3]!, 10)).map((t) => t.id)).toEqual([ids[4], ids[5]]);
    expect(await p.remaining(spam.id, clientIds[5]!, 10)).toEqual([]);
    expect(await p.remaining(ada.id, "", 10)).toEqual([]);
  });
});
