/**
 * The sanctions and audit ports' contract, over every store: mutes and bans in a room or on
 * the instance, in force until their time or until lifted, one of each kind per scope; and
 * the audit log, newest first, paged.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";
import { INSTANCE_SCOPE } from "./ports";

const implementations = await storeImplementations();

describe.each(implementations)("sanctions and audit: %s", (_name, make) => {
  let store: OpenedStore;
  const ada = { id: randomUUID(), name: "Ada", username: `ada_${randomUUID().slice(0, 6)}` };
  const bob = { id: randomUUID(), name: "Bob", guest: true };

  beforeEach(async () => {
    store = await make();
    for (const u of [ada, bob]) await store.addUser(u);
  });

  it("in force: in the room asked about and on the instance, until their time; imposing again replaces; lifting ends", async () => {
    const s = store.repos.sanctions;
    const now = new Date("2026-12-04T10:00:00Z");
    const later = new Date(now.getTime() + 3600_000);
    const [room, other] = [randomUUID(), randomUUID()];
    expect(await s.inForce(bob.id, room, now)).toEqual([]);
    await s.impose({ userId: bob.id, scope: room, kind: "mute", until: later, reason: "spam", byId: ada.id });
    await s.impose({ userId: bob.id, scope: other, kind: "ban", until: null, reason: "", byId: ada.id });
    const muted = await s.inForce(bob.id, room, now);
    expect(muted).toEqual([expect.objectContaining({ userId: bob.id, scope: room, kind: "mute", reason: "spam", byId: ada.id })]);
    expect(muted[0]!.until!.getTime()).toBe(later.getTime());
    // Another room's ban does not show in this room; nothing shows for the instance alone.
    expect(await s.inForce(bob.id, null, now)).toEqual([]);
    expect((await s.inForce(bob.id, other, now)).map((x) => x.kind)).toEqual(["ban"]);
    // Past its time, a mute is not in force.
    expect(await s.inForce(bob.id, room, new Date(later.getTime() + 1))).toEqual([]);
    // Instance-wide: in every room.
    await s.impose({ userId: bob.id, scope: INSTANCE_SCOPE, kind: "mute", until: null, reason: "", byId: null });
    expect((await s.inForce(bob.id, other, now)).map((x) => `${x.scope}:${x.kind}`).sort()).toEqual([`${INSTANCE_SCOPE}:mute`, `${other}:ban`].sort());
    expect((await s.inForce(bob.id, null, now)).map((x) => x.byId)).toEqual([null]);
    // Imposed again: replaced (now until lifted), one row.
    await s.impose({ userId: bob.id, scope: room, kind: "mute", until: null, reason: "again", byId: ada.id });
    expect((await s.inForce(bob.id, room, now)).filter((x) => x.scope === room)).toEqual([expect.objectContaining({ until: null, reason: "again" })]);
    expect(await s.lift(bob.id, room, "mute")).toBe(true);
    expect(await s.lift(bob.id, room, "mute")).toBe(false);
    expect((await s.inForce(bob.id, room, now)).map((x) => x.scope)).toEqual([INSTANCE_SCOPE]);
    expect(await s.inForce(ada.id, room, now)).toEqual([]);
  });

  it("lists what is in force, of a scope or all, with whom it restricts", async () => {
    const s = store.repos.sanctions;
    const now = new Date();
    const room = randomUUID();
    await s.impose({ userId: bob.id, scope: room, kind: "mute", until: new Date(now.getTime() - 1000), reason: "over", byId: ada.id });
    await s.impose({ userId: bob.id, scope: INSTANCE_SCOPE, kind: "ban", until: null, reason: "abuse", byId: ada.id });
    await s.impose({ userId: ada.id, scope: room, kind: "ban", until: new Date(now.getTime() + 60_000), reason: "", byId: null });
    const all = await s.list({ now, limit: 10 });
    expect(all.map((x) => `${x.user.name}:${x.kind}`).sort()).toEqual(["Ada:ban", "Bob:ban"]);
    expect(await s.list({ scope: INSTANCE_SCOPE, now, limit: 10 })).toEqual([expect.objectContaining({ userId: bob.id, reason: "abuse", user: expect.objectContaining({ id: bob.id, name: "Bob" }) })]);
    expect(await s.list({ now, limit: 1 })).toHaveLength(1);
  });

  it("the audit log: newest first, in pages, its detail kept as given", async () => {
    const audit = store.repos.audit;
    const base = Date.parse("2026-12-04T09:00:00Z");
    for (let i = 0; i < 5; i++) {
      await audit.record({ at: new Date(base + Math.floor(i / 2) * 1000), actorId: ada.id, actorName: "Ada", action: `act${i}`, targetId: bob.id, targetName: "Bob", roomId: null, roomName: null, reason: i === 0 ? "why" : "", detail: { i } });
    }
    const first = await audit.list({ limit: 2 });
    expect(first.map((e) => e.action)).toEqual(["act4", expect.stringMatching(/^act[23]$/)]);
    const second = await audit.list({ before: { at: first[1]!.at, id: first[1]!.id }, limit: 2 });
    const rest = await audit.list({ before: { at: second[1]!.at, id: second[1]!.id }, limit: 10 });
    const seen = [...first, ...second, ...rest].map((e) => e.action);
    expect(seen.sort()).toEqual(["act0", "act1", "act2", "act3", "act4"]);
    expect(rest.at(-1)).toMatchObject({ action: expect.stringMatching(/^act[01]$/), actorName: "Ada", targetName: "Bob" });
    const oldest = [...first, ...second, ...rest].find((e) => e.action === "act0")!;
    expect(oldest).toMatchObject({ reason: "why", detail: { i: 0 }, actorId: ada.id, roomId: null });
    expect(oldest.at.getTime()).toBe(base);
  });
});
