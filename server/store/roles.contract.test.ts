/**
 * The roles port's contract, over every store: instance roles (the first administrator
 * claimed once, the last one kept), ADMIN_USERNAMES, and each room's moderators.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";

const implementations = await storeImplementations();

describe.each(implementations)("roles: %s", (_name, make) => {
  let store: OpenedStore;
  const ada = { id: randomUUID(), name: "Ada", username: "ada_r" };
  const bob = { id: randomUUID(), name: "Bob", username: "bob_r" };
  const cat = { id: randomUUID(), name: "Cat", username: "cat_r" };

  beforeEach(async () => {
    store = await make();
    for (const u of [ada, bob, cat]) await store.addUser(u);
  });

  it("instance roles: members by default; the first administrator is claimed once, even by two at once; the last one stays", async () => {
    const roles = store.repos.roles;
    expect(await roles.roleOf(ada.id)).toBe("member");
    expect(await roles.roleOf(randomUUID())).toBeNull();
    const claims = await Promise.all([roles.claimFirstAdmin(ada.id), roles.claimFirstAdmin(bob.id)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const first = claims[0] ? ada : bob;
    const other = claims[0] ? bob : ada;
    expect(await roles.roleOf(first.id)).toBe("admin");
    expect(await roles.roleOf(other.id)).toBe("member");
    expect(await roles.claimFirstAdmin(cat.id)).toBe(false);

    // The last administrator cannot become a member; once there are two, one can.
    expect(await roles.setRole(first.id, "member")).toBe(false);
    expect(await roles.roleOf(first.id)).toBe("admin");
    expect(await roles.setRole(other.id, "admin")).toBe(true);
    expect((await roles.admins()).map((u) => u.id).sort()).toEqual([ada.id, bob.id].sort());
    // Both demoted at once: one of them stays.
    const demoted = await Promise.all([roles.setRole(ada.id, "member"), roles.setRole(bob.id, "member")]);
    expect(demoted.filter(Boolean)).toHaveLength(1);
    expect(await roles.admins()).toHaveLength(1);
    expect(await roles.setRole(randomUUID(), "admin")).toBe(false);
  });

  it("ADMIN_USERNAMES: the accounts named are made administrators, case ignored, once", async () => {
    const roles = store.repos.roles;
    expect(await roles.promoteUsernames(["CAT_R", "nobody"])).toBe(1);
    expect(await roles.roleOf(cat.id)).toBe("admin");
    expect(await roles.promoteUsernames(["cat_r"])).toBe(0);
    expect(await roles.promoteUsernames([])).toBe(0);
  });

  it("moderators: appointed once, listed in order, dismissed", async () => {
    const room = await store.repos.rooms.create({ id: randomUUID(), slug: `mods-${randomUUID().slice(0, 6)}`, name: "Mods", createdById: ada.id, visibility: "public" });
    const roles = store.repos.roles;
    expect(await roles.isModerator(room.id, bob.id)).toBe(false);
    await roles.setModerator(room.id, bob.id, ada.id, true);
    await roles.setModerator(room.id, bob.id, ada.id, true);
    await roles.setModerator(room.id, cat.id, ada.id, true);
    expect(await roles.isModerator(room.id, bob.id)).toBe(true);
    expect((await roles.moderators(room.id)).map((u) => u.name)).toEqual(["Bob", "Cat"]);
    await roles.setModerator(room.id, bob.id, ada.id, false);
    expect(await roles.isModerator(room.id, bob.id)).toBe(false);
    expect((await roles.moderators(room.id)).map((u) => u.name)).toEqual(["Cat"]);
  });

  it("directory: everyone or those whose name or username contains the words, case ignored, with role and kind; paged; % and _ are literal", async () => {
    const roles = store.repos.roles;
    const dora = { id: randomUUID(), name: "Dora 100%", guest: true };
    await store.addUser(dora);
    await roles.setRole(bob.id, "admin");
    const mine = (entries: Array<{ id: string }>) => entries.map((e) => e.id).filter((id) => ([ada.id, bob.id, cat.id, dora.id] as string[]).includes(id));
    const everyone = await roles.directory({ query: "", offset: 0, limit: 50 });
    expect(mine(everyone).sort()).toEqual([ada.id, bob.id, cat.id, dora.id].sort());
    expect(everyone.find((e) => e.id === bob.id)).toMatchObject({ name: "Bob", username: "bob_r", guest: false, role: "admin" });
    expect(everyone.find((e) => e.id === dora.id)).toMatchObject({ name: "Dora 100%", username: null, guest: true, role: "member" });
    expect(everyone.every((e) => e.createdAt instanceof Date)).toBe(true);
    // Newest first.
    const times = everyone.map((e) => e.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // By name, case ignored; by username; literal % and _.
    expect(mine(await roles.directory({ query: "aD", offset: 0, limit: 50 }))).toEqual([ada.id]);
    expect(mine(await roles.directory({ query: "CAT_R", offset: 0, limit: 50 }))).toEqual([cat.id]);
    expect(mine(await roles.directory({ query: "100%", offset: 0, limit: 50 }))).toEqual([dora.id]);
    expect(mine(await roles.directory({ query: "0%d", offset: 0, limit: 50 }))).toEqual([]);
    expect(mine(await roles.directory({ query: "a_r", offset: 0, limit: 50 }))).toEqual([ada.id]);
    expect(mine(await roles.directory({ query: "nobody like this", offset: 0, limit: 50 }))).toEqual([]);
    // Pages: two of them make the whole, without overlap.
    const total = everyone.length;
    const first = await roles.directory({ query: "", offset: 0, limit: 2 });
    const rest = await roles.directory({ query: "", offset: 2, limit: 50 });
    expect(first).toHaveLength(Math.min(2, total));
    expect([...first, ...rest].map((e) => e.id)).toEqual(everyone.map((e) => e.id));
  });
});
