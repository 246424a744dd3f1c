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
});
