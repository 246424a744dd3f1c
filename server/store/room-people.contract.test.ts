/**
 * A room's people, over every store: a public room's followers and a private room's members,
 * its owner either way, found by the start of their name or of a word in it (case ignored),
 * by name, a page at a time, each with whether they are a guest or an administrator.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";

const implementations = await storeImplementations();

describe.each(implementations)("a room's people: %s", (_name, make) => {
  let store: OpenedStore;
  const owner = { id: randomUUID(), name: "Zed Owner", username: `zed_${randomUUID().slice(0, 6)}` };
  const ada = { id: randomUUID(), name: "Ada Lovelace", username: `ada_${randomUUID().slice(0, 6)}` };
  const bob = { id: randomUUID(), name: "bob", guest: true };
  const percent = { id: randomUUID(), name: "100% Cy", guest: true };
  const outsider = { id: randomUUID(), name: "Adam Outside", guest: true };

  beforeEach(async () => {
    store = await make();
    for (const u of [owner, ada, bob, percent, outsider]) await store.addUser(u);
    await store.repos.roles.setRole(ada.id, "admin");
  });

  it("a public room: its followers and owner; by name or a word's start; paged; guest and administrator flags", async () => {
    const room = await store.repos.rooms.create({ id: randomUUID(), slug: `plaza-${randomUUID().slice(0, 6)}`, name: "Plaza", createdById: owner.id, visibility: "public" });
    for (const u of [ada, bob, percent]) await store.repos.attention.follow(u.id, room.id);
    const people = store.repos.rooms.people.bind(store.repos.rooms);
    const all = await people(room, { query: "", offset: 0, limit: 50 });
    expect(all.map((p) => p.name)).toEqual(["100% Cy", "Ada Lovelace", "bob", "Zed Owner"]);
    expect(all.find((p) => p.id === ada.id)).toMatchObject({ guest: false, admin: true });
    expect(all.find((p) => p.id === bob.id)).toMatchObject({ guest: true, admin: false });
    expect((await people(room, { query: "ADA", offset: 0, limit: 50 })).map((p) => p.id)).toEqual([ada.id]);
    expect((await people(room, { query: "love", offset: 0, limit: 50 })).map((p) => p.id)).toEqual([ada.id]);
    expect((await people(room, { query: "ove", offset: 0, limit: 50 })).map((p) => p.id)).toEqual([]);
    expect((await people(room, { query: "100%", offset: 0, limit: 50 })).map((p) => p.id)).toEqual([percent.id]);
    expect((await people(room, { query: "%", offset: 0, limit: 50 })).map((p) => p.id)).toEqual([]);
    expect((await people(room, { query: "", offset: 1, limit: 2 })).map((p) => p.name)).toEqual(["Ada Lovelace", "bob"]);
  });

  it("a private room: its members and owner only", async () => {
    const room = await store.repos.rooms.create({ id: randomUUID(), slug: `back-${randomUUID().slice(0, 6)}`, name: "Back", createdById: owner.id, visibility: "private" });
    await store.repos.rooms.addMember(room.id, owner.id);
    await store.repos.rooms.addMember(room.id, bob.id);
    await store.repos.attention.follow(outsider.id, room.id);
    expect((await store.repos.rooms.people(room, { query: "", offset: 0, limit: 50 })).map((p) => p.name)).toEqual(["bob", "Zed Owner"]);
  });
});
